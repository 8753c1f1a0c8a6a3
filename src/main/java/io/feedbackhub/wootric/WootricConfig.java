package io.feedbackhub.wootric;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The {@code wootric} connector's own keys; the connection ones are in WootricConnection. */
@ConfigMapping(prefix = "hub.wootric")
public interface WootricConfig {

    @WithDefault("false")
    boolean enabled();

    /** The earliest record synced; required when the connector is enabled. */
    Optional<LocalDate> startDate();

    /** end_users, responses, declines. */
    @WithDefault("end_users,responses")
    List<String> streams();

    /** The default for every stream; a stream overrides it with hub.wootric.stream.<name>.sync-type. */
    @WithDefault("INCREMENTAL")
    SyncType syncType();

    /** Per-stream settings, keyed by stream name. */
    Map<String, StreamSettings> stream();

    /** Put in front of every table name. */
    Optional<String> tablePrefix();

    /** How far back each incremental run re-reads responses and declines, to catch changes. */
    @WithDefault("P30D")
    Duration responsesLookback();

    /**
     * How far before its window each incremental run re-reads, for rows that became visible late
     * (the source's commit lag, a clock a little ahead); rows already written are recognised and skipped.
     */
    @WithDefault("5m")
    Duration margin();

    /** Length of the date windows walked through; unset: one window from start to end. */
    Optional<Duration> window();

    /** The most of a replaced table's rows a run may remove before it is held (the core RemovalGuard). */
    @WithDefault("50")
    int maxRemovalPercent();

    interface StreamSettings {
        Optional<SyncType> syncType();

        /** The table name without the prefix; default wootric_<stream>. */
        Optional<String> table();
    }

    enum SyncType {
        INCREMENTAL, FULL_TABLE
    }
}
