package io.feedbackhub.wootric;

import java.util.Arrays;
import java.util.Optional;

/**
 * The streams the hub pulls and how each is paged: the filter it windows on, and whether a second
 * too crowded for one window can be split further by {@code created[...]} sub-windows.
 */
public enum WootricStream {
    END_USERS("end_users", "updated", true),
    RESPONSES("responses", "created", false),
    DECLINES("declines", "created", false);

    private final String apiName;
    private final String windowFilter;
    private final boolean splitsByCreated;

    WootricStream(String apiName, String windowFilter, boolean splitsByCreated) {
        this.apiName = apiName;
        this.windowFilter = windowFilter;
        this.splitsByCreated = splitsByCreated;
    }

    public String apiName() {
        return apiName;
    }

    public String path() {
        return "/" + apiName;
    }

    /** {@code updated} or {@code created}: the list filter and sort key ({@code <filter>_at}) of the windows. */
    public String windowFilter() {
        return windowFilter;
    }

    public boolean splitsByCreated() {
        return splitsByCreated;
    }

    /** Responses and declines re-read a look-back period; end users are windowed on updated_at instead. */
    public boolean usesLookback() {
        return this != END_USERS;
    }

    public static Optional<WootricStream> byName(String name) {
        return Arrays.stream(values()).filter(s -> s.apiName.equals(name)).findFirst();
    }
}
