package io.feedbackhub.core.state;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.interceptor.Interceptor;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.quarkus.main.events.AfterConfigure;
import org.apache.camel.spi.StateRepository;

import io.feedbackhub.core.catalog.Catalog;
import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.core.kafka.KafkaTransactions;
import io.feedbackhub.core.run.ConnectorRuns;
import io.feedbackhub.core.run.Run;

/**
 * Bookmarks per connector and stream (last cursor, last full sync), kept through Camel's state
 * repository API in {@code ${hub.data-dir}/state/sync-state.properties}, replaced atomically on
 * every change; in a cluster ({@code hub.cluster.enabled}) on the compacted topic
 * {@code <hub.catalog.topic-prefix>state}, which every member reads.
 *
 * <p>Callers write a bookmark only after the records before it have been written to the catalog
 * (the catalog endpoint returns once a record is written or acknowledged), so a crash re-reads
 * records but never skips them.
 */
@ApplicationScoped
@Named("syncState")
public class SyncState {

    /** A stream's name has no dot, so a stored key reads back as connector, stream and bookmark. */
    private static final Pattern STREAM = Pattern.compile("[A-Za-z0-9_\\-]+");
    private static final Pattern BOOKMARK = Pattern.compile("[A-Za-z0-9_.\\-]+");
    static final int MAX_VALUE = 4096;
    /** Not a bookmark's key (':' is in none), so no bookmark can be taken for it. */
    private static final String PAUSED = ":paused";

    @Inject
    HubConfig config;

    @Inject
    ConnectorRuns runs;

    @Inject
    CamelContext camel;

    @Inject
    KafkaTransactions transactions;

    private StateRepository<String, String> repository;

    @PostConstruct
    void open() {
        repository = config.cluster().enabled()
                // any member that takes a connector over reads on from where its last leader got to
                ? KafkaStateRepository.of(camel, config.kafka().brokers().orElseThrow(), topic(config), config.kafka().replicationFactor(),
                        Optional.empty(), value -> true)
                : new AtomicFileStateRepository(config.dataDir().resolve("state").resolve("sync-state.properties"));
        repository.start();
    }

    /**
     * In a cluster the bookmarks' topic is made at start, compacted and with
     * {@code hub.kafka.replication-factor}, as Kafka Connect makes its offsets topic: not at a
     * leader's first run, when a broker that refuses it would fail only that run.
     */
    void createTopic(@Observes @Priority(Interceptor.Priority.APPLICATION + 900) AfterConfigure configured) {
        if (repository instanceof KafkaStateRepository shared) {
            shared.createTopic();
        }
    }

    /** The compacted topic a cluster keeps its bookmarks in. */
    public static String topic(HubConfig config) {
        return config.catalog().topicPrefix() + "state";
    }

    @PreDestroy
    void close() {
        repository.stop();
    }

    public Optional<String> get(String connector, String stream, String name) {
        return Optional.ofNullable(store().getState(key(connector, stream, name)));
    }

    /** For YAML routes: the bookmark, or the given default when there is none yet. */
    public String getOrDefault(String connector, String stream, String name, String fallback) {
        return get(connector, stream, name).orElse(fallback);
    }

    /**
     * Sets a bookmark that follows the records of this exchange (its {@code HubTable}): at once when
     * they were appended to the catalog, and only when the run succeeds when the run writes a
     * replacement copy of that table (a full run), since until the swap the catalog does not hold
     * them. Without a table header it waits whenever the run replaces any table. In a cluster the
     * bookmark commits the run's transaction: the records before it and the bookmark, together.
     */
    public void commit(Exchange exchange, String stream, String name, String value) {
        commit(exchange, stream, Map.of(name, value));
    }

    /** Several bookmarks of one stream at once, as {@link #commit(Exchange, String, String, String)} (in a cluster: one transaction). */
    public void commit(Exchange exchange, String stream, Map<String, String> bookmarks) {
        String connector = exchange.getProperty(ConnectorRuns.CONNECTOR, String.class);
        if (connector == null) {
            throw new IllegalStateException("a bookmark is committed within a connector run (no "
                    + ConnectorRuns.CONNECTOR + " property)");
        }
        bookmarks.keySet().forEach(name -> key(connector, stream, name));
        Run run = runs.runOf(exchange).orElseThrow(() -> new IllegalStateException("no run of " + connector + " in progress"));
        run.advanced(stream);
        if (run.replacing(exchange.getMessage().getHeader(Catalog.TABLE, String.class))) {
            // in a cluster, in the transaction the run commits once its success steps are done
            run.onSuccess(() -> bookmarks.forEach((name, value) -> put(connector, stream, name, value)));
        } else {
            bookmarks.forEach((name, value) -> put(connector, stream, name, value));
            transactions.commit(connector);
        }
    }

    /**
     * Sets a bookmark now. In a cluster it joins the connector's transaction while the connector
     * runs here (its run commits it); outside of a run it is written at once.
     */
    public void put(String connector, String stream, String name, String value) {
        if (value == null || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a bookmark value is one line of text: " + key(connector, stream, name));
        }
        if (transactions.enabled() && runs.isRunning(connector)) {
            transactions.send(connector, topic(config), key(connector, stream, name), value);
        } else {
            store().setState(key(connector, stream, name), value);
        }
    }

    /** Every bookmark of a connector: stream, then bookmark name, then value (sorted). */
    public Map<String, Map<String, String>> bookmarks(String connector) {
        Map<String, Map<String, String>> streams = new TreeMap<>();
        String prefix = connector + ".";
        ((StateEntries) store()).entries().forEach((key, value) -> {
            int dot = key.indexOf('.', prefix.length());
            if (key.startsWith(prefix) && dot > prefix.length() && dot < key.length() - 1) {
                streams.computeIfAbsent(key.substring(prefix.length(), dot), s -> new TreeMap<>()).put(key.substring(dot + 1), value);
            }
        });
        return streams;
    }

    /**
     * Sets a bookmark by hand (the management API), at once and outside any run: the caller makes
     * sure none of the connector runs ({@link ConnectorRuns#whileIdle}).
     */
    public void set(String connector, String stream, String name, String value) {
        checkNames(stream, name);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("a bookmark value is not empty (DELETE resets a bookmark)");
        }
        if (value.length() > MAX_VALUE) {
            throw new IllegalArgumentException("a bookmark value is at most " + MAX_VALUE + " characters, not " + value.length());
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("a bookmark value is one line of text, without line breaks or other control characters");
        }
        store().setState(key(connector, stream, name), value);
    }

    /** Removes a bookmark by hand, as {@link #set}; whether there was one. */
    public boolean reset(String connector, String stream, String name) {
        checkNames(stream, name);
        String key = key(connector, stream, name);
        if (store().getState(key) == null) {
            return false;
        }
        store().setState(key, null);
        return true;
    }

    /** Removes every bookmark of a stream by hand, as {@link #set}; the names removed. */
    public Set<String> resetStream(String connector, String stream) {
        checkNames(stream, "x");
        Set<String> names = bookmarks(connector).getOrDefault(stream, Map.of()).keySet();
        names.forEach(name -> store().setState(key(connector, stream, name), null));
        return names;
    }

    private static void checkNames(String stream, String name) {
        if (stream == null || !STREAM.matcher(stream).matches()) {
            throw new IllegalArgumentException("a stream name is letters, digits, '_' and '-': " + quoted(stream));
        }
        if (name == null || !BOOKMARK.matcher(name).matches()) {
            throw new IllegalArgumentException("a bookmark name is letters, digits, '_', '-' and '.': " + quoted(name));
        }
    }

    private static String quoted(String text) {
        return text == null ? "none" : "'" + (text.length() > 60 ? text.substring(0, 60) + "..." : text) + "'";
    }

    /** Whether the connector is paused ({@link ConnectorRuns#pause}). */
    public boolean paused(String connector) {
        return "true".equals(store().getState(connector + PAUSED));
    }

    public void setPaused(String connector, boolean paused) {
        store().setState(connector + PAUSED, paused ? "true" : null);
    }

    StateRepository<String, String> store() {
        return repository;
    }

    static String key(String connector, String stream, String name) {
        String key = connector + "." + stream + "." + name;
        if (!key.matches("[A-Za-z0-9_.\\-]+")) {
            throw new IllegalArgumentException("bookmark names are letters, digits, '_', '-' and '.': " + key);
        }
        return key;
    }
}
