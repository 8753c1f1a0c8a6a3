package io.feedbackhub.core.connector;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A connector as the hub sees it: the routes of one group in {@code routes/}, plus its
 * {@code hub.<name>.*} switches.
 *
 * @param name             the route group, also the config group ({@code hub.<name>.enabled})
 * @param enabled          whether its routes start
 * @param description      free text for operators, at most 140 characters
 * @param schedule         Quartz cron of its scheduled incremental runs, if it has one
 * @param fullSyncSchedule Quartz cron of its scheduled full runs, if it has one
 * @param routeIds         the routes that make it up
 * @param runnable         whether it has a {@code direct:<name>-run} entry, so can be run on demand
 * @param placeholders     the {@code hub.*} keys its route files use without a default
 * @param sources          the route files it comes from
 */
public record Connector(String name, boolean enabled, String description, Optional<String> schedule,
        Optional<String> fullSyncSchedule, List<String> routeIds, boolean runnable, Set<String> placeholders,
        Set<String> sources) {

    public static final int MAX_DESCRIPTION = 140;

    public String runEndpoint() {
        return runEndpoint(name);
    }

    public static String runEndpoint(String connector) {
        return "direct:" + connector + "-run";
    }
}
