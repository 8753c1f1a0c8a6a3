package io.feedbackhub.qualtrics;

import java.net.URI;
import java.util.HashSet;
import java.util.Set;

/**
 * Where a paged read (contacts, event subscriptions) is: the next page to read, following
 * Qualtrics' {@code nextPage} URL verbatim (never rebuilt from a skipToken), until it is null or
 * empty. A nextPage seen before would loop forever, and one on another host would take the token
 * there: both fail the read. A short page is no end; only a missing nextPage is.
 */
public final class PageScan {

    private final String host;
    private final Integer limit;
    private final Set<String> seen = new HashSet<>();
    private QualtricsRequest next;
    private int taken;

    public PageScan(String host, QualtricsRequest first, Integer limit) {
        this.host = host;
        this.next = first;
        this.limit = limit;
    }

    public boolean hasNext() {
        return next != null;
    }

    public QualtricsRequest next() {
        return next;
    }

    /** How many of a page's rows to keep, so that the pull stops at the limit. */
    public int take(int rows) {
        int kept = limit == null ? rows : Math.max(0, Math.min(rows, limit - taken));
        taken += kept;
        return kept;
    }

    public int taken() {
        return taken;
    }

    /** After a page: where the next one is, from its nextPage. */
    public void follow(String nextPage) {
        // "string" is what Qualtrics' API mock sends for the last page
        if (nextPage == null || nextPage.isBlank() || nextPage.equals("string") || (limit != null && taken >= limit)) {
            next = null;
            return;
        }
        URI uri;
        try {
            uri = URI.create(nextPage);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("Qualtrics' nextPage is not a URL: " + nextPage);
        }
        if (uri.getScheme() == null || uri.getRawAuthority() == null) {
            throw new IllegalStateException("Qualtrics' nextPage is not a URL: " + nextPage);
        }
        String origin = uri.getScheme() + "://" + uri.getRawAuthority();
        if (!origin.equalsIgnoreCase(host)) {
            throw new IllegalStateException("Qualtrics' nextPage points to " + origin + ", not the configured " + host
                    + "; not followed (the token would go there)");
        }
        if (!seen.add(nextPage)) {
            throw new IllegalStateException("Qualtrics sent the same nextPage twice after " + taken + " rows; stopped so as not to loop: " + nextPage);
        }
        next = new QualtricsRequest("GET", uri.getRawPath(), uri.getRawQuery(), null, java.util.Map.of(), null);
    }
}
