package io.feedbackhub.core.catalog;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.core.files.DurableFiles;
import io.feedbackhub.core.kafka.KafkaReaders;
import io.feedbackhub.core.kafka.KafkaTransactions;
import io.feedbackhub.core.run.Run;

/**
 * With the Kafka sink, what a run defers (replacement tables, append-on-success records) waits in
 * a local file, {@code ${hub.data-dir}/catalog/.staging/kafka.<table>.<run>.jsonl} (dropped at start
 * like the file sink's copies, since its run cannot have succeeded), and is sent
 * only when the run succeeds, in order and acknowledged by all in-sync replicas: a failed run
 * publishes nothing. In a cluster the records go out in the run's transaction
 * ({@link KafkaTransactions}), with its bookmarks.
 *
 * <p>Outside a cluster a topic keeps every record ever sent (a full run sends no tombstones), so
 * it cannot say which rows a table has now: the keys of each replaced table's last published copy are kept, as hashes,
 * in {@code catalog/.kafka-keys/<table>.keys}, for the {@link RemovalGuard}. In a cluster the topic says it.
 */
@ApplicationScoped
class KafkaStaging {

    static final String PUBLISH = "direct:catalog-kafka-publish";
    private static final int BATCH = 500;

    @Inject
    HubConfig config;

    @Inject
    ObjectMapper json;

    @Inject
    CamelContext camel;

    @Inject
    ProducerTemplate producer;

    @Inject
    KafkaTransactions transactions;

    @Inject
    CatalogTopics topics;

    private final Map<Path, Boolean> started = new ConcurrentHashMap<>();
    /**
     * A table's live keys as a run's removal guard read them, for its tombstones: the topic is read
     * once a run. Only the connector's leader writes the table, so it cannot change in between.
     */
    private final Map<String, Set<String>> liveKeysOfRun = new ConcurrentHashMap<>();

    void stage(Run run, RecordBatch batch) {
        Path file = config.dataDir().resolve("catalog").resolve(".staging").resolve("kafka." + batch.table() + "." + run.id() + ".jsonl");
        StringBuilder lines = new StringBuilder();
        for (CatalogRecord record : batch.records()) {
            ObjectNode line = json.createObjectNode().put("key", record.key());
            line.set("value", record.json());
            lines.append(line).append('\n');
        }
        synchronized (this) {
            try {
                if (started.putIfAbsent(file, Boolean.TRUE) == null) {
                    Files.createDirectories(file.getParent());
                    Files.deleteIfExists(file);
                    run.onSuccess(() -> publish(run, file, batch.table(), batch.replace()));
                    run.onFailure(() -> drop(file));
                }
                DurableFiles.appendWhole(file, lines.toString().getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("catalog: cannot stage records of " + batch.table(), e);
            }
        }
    }

    private void publish(Run run, Path file, String table, boolean replace) {
        String connector = run.connector();
        KeyHashes keys = new KeyHashes();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            List<Map.Entry<String, String>> records = new ArrayList<>(BATCH);
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                JsonNode record = json.readTree(line);
                records.add(Map.entry(record.path("key").asText(), record.path("value").toString()));
                keys.add(record.path("key").asText());
                if (records.size() == BATCH) {
                    send(connector, table, records);
                    records.clear();
                }
            }
            send(connector, table, records);
        } catch (IOException e) {
            throw new UncheckedIOException("catalog: cannot read the staged records of " + table, e);
        }
        if (replace && transactions.enabled()) {
            tombstones(run, table, keys);
        }
        if (replace && !transactions.enabled()) {
            Path published = keysFile(table);
            try {
                Files.createDirectories(published.getParent());
                DurableFiles.writeAside(published.resolveSibling(published.getFileName() + ".tmp"), published, keys.toBytes());
            } catch (IOException e) {
                throw new UncheckedIOException("catalog: cannot keep the keys of " + table, e);
            }
        }
        drop(file);
    }

    /**
     * A tombstone, in the run's transaction, for every key the topic holds a record of and the new
     * copy lacks: a compacted topic then holds what the source does, as the file sink's table.
     */
    private void tombstones(Run run, String table, KeyHashes kept) {
        String topic = topics.of(table);
        Set<String> live = liveKeysOfRun.remove(runTable(run, table));
        (live != null ? live : liveKeys(table)).stream().filter(key -> !kept.contains(key))
                .forEach(key -> transactions.send(run.connector(), topic, key, null));
    }

    private static String runTable(Run run, String table) {
        return run.id() + "/" + table;
    }

    /**
     * The keys the table's topic holds a record of (read committed, the last value of each not a
     * tombstone): in a cluster, where full runs send tombstones, the topic itself says which rows the
     * table has, so any member that leads the connector knows, whichever member published before.
     */
    private Set<String> liveKeys(String table) {
        Set<String> live = new LinkedHashSet<>();
        KafkaReaders.readAll(KafkaReaders.properties(camel, config.kafka().brokers().orElseThrow()), topics.of(table),
                Duration.ofMinutes(5), record -> {
                    if (record.value() == null) {
                        live.remove(record.key());
                    } else {
                        live.add(record.key());
                    }
                });
        return live;
    }

    /** The keys of the table's last published full copy, as the run's guard sees it; none before its first. */
    KeyHashes publishedKeys(Run run, String table) {
        if (transactions.enabled()) {
            Set<String> live = liveKeys(table);
            // the run's tombstones are for these keys: kept until it publishes (tombstones take them) or fails
            String runTable = runTable(run, table);
            liveKeysOfRun.put(runTable, live);
            run.onFailure(() -> liveKeysOfRun.remove(runTable));
            KeyHashes keys = new KeyHashes();
            live.forEach(keys::add);
            return keys;
        }
        Path published = keysFile(table);
        try {
            return Files.exists(published) ? KeyHashes.fromBytes(Files.readAllBytes(published)) : new KeyHashes();
        } catch (IOException e) {
            throw new UncheckedIOException("catalog: cannot read " + published, e);
        }
    }

    private Path keysFile(String table) {
        return config.dataDir().resolve("catalog").resolve(".kafka-keys").resolve(table + ".keys");
    }

    private void send(String connector, String table, List<Map.Entry<String, String>> records) {
        if (records.isEmpty()) {
            return;
        }
        if (transactions.enabled()) {
            // in the run's transaction, committed with its bookmarks once every success step is done
            String topic = topics.of(table);
            records.forEach(record -> transactions.send(connector, topic, record.getKey(), record.getValue()));
            return;
        }
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setHeader(Catalog.TABLE, table);
        exchange.getMessage().setBody(List.copyOf(records));
        Exception failure = producer.send(PUBLISH, exchange).getException();
        if (failure != null) {
            throw new IllegalStateException("catalog: Kafka did not take the records of " + table + ": " + failure.getMessage(), failure);
        }
    }

    private void drop(Path file) {
        started.remove(file);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("catalog: cannot delete " + file, e);
        }
    }
}
