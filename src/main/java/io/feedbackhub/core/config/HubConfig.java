package io.feedbackhub.core.config;

import java.nio.file.Path;
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

    interface Catalog {
        @WithDefault("file")
        CatalogSink sink();

        @WithDefault("hub.")
        String topicPrefix();
    }

    interface Kafka {
        /** Bootstrap servers; required as soon as anything in the hub uses Kafka. */
        Optional<String> brokers();
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

    enum CatalogSink {
        FILE, KAFKA
    }
}
