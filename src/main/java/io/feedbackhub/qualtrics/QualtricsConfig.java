package io.feedbackhub.qualtrics;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The {@code qualtrics} connector's keys. */
@ConfigMapping(prefix = "hub.qualtrics")
public interface QualtricsConfig {

    @WithDefault("false")
    boolean enabled();

    /** The account's datacenter id (fra1, iad1, ...): the API is https://{datacenter}.qualtrics.com. */
    Optional<String> datacenter();

    /** Overrides the host the datacenter gives (an org host, a test server). */
    Optional<String> baseUrl();

    /** X-API-TOKEN authentication. */
    Optional<String> apiToken();

    /** OAuth client credentials, instead of an API token. */
    Optional<String> clientId();

    Optional<String> clientSecret();

    /** Space-separated OAuth scopes asked for with client credentials. */
    @WithDefault("manage:all")
    String scope();

    /** The XM Directory (POOL_...) the contacts pull reads and commands use by default. */
    Optional<String> directoryId();

    /** At most this many contacts per pull; unset: all. */
    Optional<Integer> contactsLimit();

    /** Also GET every contact for its embedded data and dates (one request a contact). */
    @WithDefault("false")
    boolean contactDetails();

    /** The most of qualtrics_contacts a pull may remove before it is held (the core RemovalGuard). */
    @WithDefault("50")
    int maxRemovalPercent();

    /** pageSize asked for when listing contacts; Qualtrics may send fewer. */
    @WithDefault("100")
    int pageSize();

    /** Connect and response timeout of one request. */
    @WithDefault("30s")
    Duration requestTimeout();

    /** Retries of a read after a 5xx, a timeout or a network error, and of any request after a 429. */
    @WithDefault("5")
    int retries();

    /** First backoff delay; each further retry waits twice as long (up to a minute). */
    @WithDefault("1s")
    Duration retryDelay();

    /** Longest Retry-After honoured; a 429 asking for longer fails the request. */
    @WithDefault("120s")
    Duration maxRetryAfter();

    /** How long a 202 "not yet available" or a 404 of a new response is waited out. */
    @WithDefault("2m")
    Duration responseWait();

    Webhook webhook();

    /** A Kafka topic the same commands may also arrive on (needs hub.kafka.brokers); unset: none. */
    Optional<String> commandsTopic();

    /** The consumer group reading the commands topic. */
    @WithDefault("feedback-hub-qualtrics-commands")
    String commandsGroup();

    /**
     * How long a command id is remembered (that it started, and its outcome): a command repeated
     * within this time is not carried out twice. At least the commands topic's retention.
     */
    @WithDefault("30d")
    Duration commandMemory();

    /** The compacted Kafka topic the command memory is kept in when the hub uses Kafka. */
    @WithDefault("feedback-hub-qualtrics-command-memory")
    String commandMemoryTopic();

    interface Webhook {
        /** Surveys (SV_...) whose completed responses are subscribed to at start. */
        Optional<List<String>> surveyIds();

        /** The URL Qualtrics posts events to: where the hub's /qualtrics/webhook is reached from outside. */
        Optional<String> publicUrl();

        /** The subscription's shared key; every delivery's HMAC is checked with it. */
        Optional<String> sharedKey();

        /**
         * In a cluster: the partitions of the webhook's journal topic, so up to this many members
         * fetch responses at once (one each). Raised at start if the topic has fewer.
         */
        @WithDefault("3")
        int journalPartitions();
    }

    /** The API host, without a trailing slash. */
    default Optional<String> host() {
        return baseUrl().map(url -> url.replaceAll("/+$", ""))
                .or(() -> datacenter().map(dc -> "https://" + dc.trim() + ".qualtrics.com"));
    }
}
