package io.feedbackhub.wootric;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.feedbackhub.client.wootric.WootricRequest;

/**
 * One second with more responses (or declines) than a filter can page through (30 × 50): the list
 * endpoint has no finer filter than {@code created}, so the second is read per end user instead.
 * First every end user created up to that second is listed (a response's end user existed before
 * it), then {@code /end_users/<id>/<stream>} is read for that second, user by user. The caller
 * drops what it has already read by id.
 */
final class EndUserSplit {

    private final WootricStream stream;
    private final long second;
    private final Set<Long> users = new LinkedHashSet<>();
    private Deque<Long> toRead;
    private long createdGte;
    private int page = 1;

    EndUserSplit(WootricStream stream, long second) {
        this.stream = stream;
        this.second = second;
    }

    long second() {
        return second;
    }

    boolean listingUsers() {
        return toRead == null;
    }

    boolean done() {
        return toRead != null && toRead.isEmpty();
    }

    WootricRequest nextRequest() {
        Map<String, String> query = new LinkedHashMap<>();
        if (listingUsers()) {
            query.put("created[gte]", String.valueOf(createdGte));
            query.put("created[lt]", String.valueOf(second + 1));
            query.put("sort_key", "created_at");
            query.put("sort_order", "asc");
            query.put("per_page", String.valueOf(StreamScan.PER_PAGE));
            query.put("page", String.valueOf(page));
            return WootricRequest.get(WootricStream.END_USERS.path(), query);
        }
        query.put("created[gte]", String.valueOf(second));
        query.put("created[lt]", String.valueOf(second + 1));
        query.put("sort_order", "asc");
        query.put("per_page", String.valueOf(StreamScan.PER_PAGE));
        query.put("page", String.valueOf(page));
        // a lookup: an end user deleted since the listing answers 404, which means no rows
        return WootricRequest.lookup(WootricStream.END_USERS.path() + "/" + toRead.peekFirst() + stream.path(), query);
    }

    /** A page of the end-user listing. */
    void acceptUsers(List<ObjectNode> page) {
        page.forEach(user -> users.add(user.path("id").asLong()));
        if (page.size() < StreamScan.PER_PAGE) {
            toRead = new ArrayDeque<>(users);
            this.page = 1;
            return;
        }
        long lastCreated = WootricDates.epochSecond(page.get(page.size() - 1), "created_at");
        if (lastCreated > createdGte) {
            createdGte = lastCreated;
            this.page = 1;
        } else if (this.page < StreamScan.MAX_PAGE) {
            this.page++;
        } else {
            throw new IllegalStateException("more than " + (StreamScan.PER_PAGE * StreamScan.MAX_PAGE) + " end users were created in "
                    + Instant.ofEpochSecond(lastCreated) + " and more than that many " + stream.apiName() + " in "
                    + Instant.ofEpochSecond(second) + "; the Wootric API cannot page through either, so the run stops instead of skipping any");
        }
    }

    /** A page of one end user's rows of the second. */
    void acceptRows(int count) {
        if (count == StreamScan.PER_PAGE && page < StreamScan.MAX_PAGE) {
            page++;
        } else if (count == StreamScan.PER_PAGE) {
            throw new IllegalStateException("more than " + (StreamScan.PER_PAGE * StreamScan.MAX_PAGE) + " " + stream.apiName()
                    + " of one end user were created in " + Instant.ofEpochSecond(second) + "; the run stops instead of skipping any");
        } else {
            toRead.removeFirst();
            page = 1;
        }
    }
}
