package io.feedbackhub.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The core part of the {@code hub.*} configuration; each connector maps its own group. */
@ConfigMapping(prefix = "hub")
public interface HubConfig {

    /** Catalog files, sync state, run log and journals live here. */
    @WithDefault("data")
    Path dataDir();

    Catalog catalog();

    Kafka kafka();

    Api api();

    Management management();

    Cluster cluster();

    Log log();

    interface Catalog {
        @WithDefault("file")
        CatalogSink sink();

        @WithDefault("hub.")
        String topicPrefix();
    }

    interface Kafka {
        /** Bootstrap servers; required as soon as anything in the hub uses Kafka. */
        Optional<String> brokers();

        /** Replication factor of the topics the hub creates; unset, the broker's {@code default.replication.factor}. */
        Optional<Short> replicationFactor();
    }

    interface Api {
        /**
         * The bearer token callers of the hub's command API on the public port must send
         * ({@code Authorization: Bearer ...}); unset, the command API refuses every call.
         */
        Optional<String> token();
    }

    interface Management {
        /**
         * The bearer token every call on the management port but {@code /q/health} must send
         * ({@code Authorization: Bearer ...}); unset, the management port binds 127.0.0.1 only.
         */
        Optional<String> token();

        /** Serve the management port on every interface without a token: anyone who reaches it may use it. */
        @WithDefault("false")
        boolean open();
    }

    interface Cluster {
        /**
         * Replicas sharing {@code name} on one Kafka elect one leader per polling connector, which
         * alone runs its schedule and its manual runs. Needs {@code hub.catalog.sink=kafka}.
         */
        @WithDefault("false")
        boolean enabled();

        /** The replicas of one hub: the Kafka consumer group of the cluster topic. */
        @WithDefault("feedback-hub")
        String name();

        /** This replica's id in the cluster; unset, {@code <hostname>-<pid>}. */
        Optional<String> memberId();

        /**
         * How long a replica that stopped answering keeps its leaderships (Kafka's
         * {@code session.timeout.ms}, 6 s to 30 min): a failover takes about this long.
         */
        @WithDefault("10s")
        Duration sessionTimeout();
    }

    interface Log {
        /** {@code text} or {@code json} (one JSON object a line, with the MDC: {@code connector}, {@code runId}); see {@link LogFormat}. */
        @WithDefault("text")
        String format();
    }

    enum CatalogSink {
        FILE, KAFKA
    }
}
