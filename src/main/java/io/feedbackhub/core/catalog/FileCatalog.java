package io.feedbackhub.core.catalog;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.core.files.DurableFiles;
import io.feedbackhub.core.run.ConnectorRuns;
import io.feedbackhub.core.run.Run;
import io.quarkus.runtime.StartupEvent;

/**
 * The embedded catalog: one JSON Lines file per table in {@code ${hub.data-dir}/catalog}.
 *
 * <p>Appends go straight to {@code <table>.jsonl}, one write call per batch, so a record is in the
 * file (the OS's page cache) before the catalog endpoint returns and survives a kill -9.
 * A replacing (full-table) run writes {@code .staging/<table>.<run>.jsonl} instead; when the run
 * succeeds that file is forced to disk and renamed over the table in one atomic step, and when the
 * run fails it is deleted, so readers only ever see a whole old table or a whole new one.
 * Everything that touches one table's files holds that table's lock.
 */
@ApplicationScoped
public class FileCatalog {

    private static final Logger LOG = Logger.getLogger(FileCatalog.class);

    @Inject
    HubConfig config;

    @Inject
    ObjectMapper json;

    @Inject
    ConnectorRuns runs;

    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Map<Path, FileChannel> open = new ConcurrentHashMap<>();

    /** Copies left by a run the hub did not see finish (kill -9) will never be swapped in. */
    void dropStaleCopies(@Observes StartupEvent start) throws IOException {
        Path staging = staging();
        if (Files.isDirectory(staging)) {
            try (var stale = Files.list(staging)) {
                for (Path copy : stale.toList()) {
                    LOG.infof("dropping %s, left by an unfinished full run", copy.getFileName());
                    Files.deleteIfExists(copy);
                }
            }
        }
    }

    public Path tableFile(String table) {
        return dir().resolve(table + ".jsonl");
    }

    public void write(Exchange exchange, RecordBatch batch) {
        Run run = null;
        if (batch.deferred()) {
            run = runs.runOf(exchange).orElseThrow(() -> new IllegalStateException(
                    "catalog: " + batch.mode() + " of table " + batch.table() + " needs a connector run"));
        }
        byte[] lines = lines(batch);
        synchronized (lock(batch.table())) {
            Path target = run == null ? tableFile(batch.table())
                    : batch.replace() ? copyFor(run, batch.table()) : pendingFor(run, batch.table());
            if (lines.length == 0) {
                return;
            }
            try {
                FileChannel channel = channel(target, StandardOpenOption.APPEND);
                DurableFiles.appendWhole(channel, lines);
                if (run == null) {
                    // a bookmark moved after this returns must never point past records a power loss could take
                    channel.force(false);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("catalog: cannot write to " + target + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * The last {@code max} records appended to a table (oldest first; none for a table with no file,
     * as with the Kafka sink). A line a crash left without its line break is not a record.
     */
    public List<JsonNode> tail(String table, int max) {
        Path file = tableFile(table);
        synchronized (lock(table)) {
            if (!Files.exists(file)) {
                return List.of();
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                long end = channel.size();
                long start = end;
                int breaks = 0;
                while (start > 0 && breaks <= max) {
                    long from = Math.max(0, start - 64 * 1024);
                    for (byte b : read(channel, from, start)) {
                        breaks += b == '\n' ? 1 : 0;
                    }
                    start = from;
                }
                String[] parts = new String(read(channel, start, end), java.nio.charset.StandardCharsets.UTF_8).split("\n", -1);
                List<JsonNode> records = new ArrayList<>();
                // the first part is cut unless it starts the file; the last follows the last line break
                for (int i = start > 0 ? 1 : 0; i < parts.length - 1; i++) {
                    if (!parts[i].isBlank()) {
                        try {
                            records.add(json.readTree(parts[i]));
                        } catch (IOException damaged) {
                            LOG.warnf("catalog: %s holds a line that is not JSON; left out of its tail", file.getFileName());
                        }
                    }
                }
                return records.size() > max ? records.subList(records.size() - max, records.size()) : records;
            } catch (IOException e) {
                throw new UncheckedIOException("catalog: cannot read the end of " + file, e);
            }
        }
    }

    /**
     * The keys (field {@code keyField}) of a table's rows as they are now, for the {@link RemovalGuard};
     * none for a table with no file. A line that is not JSON (cut short by a crash) is no row.
     */
    KeyHashes keys(String table, String keyField) {
        KeyHashes keys = new KeyHashes();
        Path file = tableFile(table);
        synchronized (lock(table)) {
            if (!Files.exists(file)) {
                return keys;
            }
            try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    String key = line.isBlank() ? null : keyOf(line, keyField);
                    if (key != null && !key.isEmpty()) {
                        keys.add(key);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("catalog: cannot read " + file, e);
            }
        }
        return keys;
    }

    private String keyOf(String line, String keyField) {
        try {
            return json.readTree(line).path(keyField).asText(null);
        } catch (IOException torn) {
            return null;
        }
    }

    /** A line a crash cut short would glue the next append onto itself: the table is cut back to its last line break. */
    private static void dropTornLine(Path file, FileChannel channel) throws IOException {
        long size = channel.size();
        long keep;
        // an appending channel cannot read
        try (FileChannel reader = FileChannel.open(file, StandardOpenOption.READ)) {
            keep = lastLineEnd(reader, size);
        }
        if (keep < size) {
            LOG.warnf("catalog: %s ended in a line cut short (%d bytes), left by a crash; it is dropped", file.getFileName(), size - keep);
            channel.truncate(keep);
            channel.force(false);
        }
    }

    /** Where the last complete line ends (just after its line break); 0 when there is none. */
    private static long lastLineEnd(FileChannel reader, long size) throws IOException {
        long keep = size;
        while (keep > 0) {
            long from = Math.max(0, keep - 64 * 1024);
            byte[] bytes = read(reader, from, keep);
            int i = bytes.length - 1;
            while (i >= 0 && bytes[i] != '\n') {
                i--;
            }
            if (i >= 0) {
                return from + i + 1;
            }
            keep = from;
        }
        return 0;
    }

    private static byte[] read(FileChannel channel, long from, long to) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate((int) (to - from));
        while (bytes.hasRemaining()) {
            if (channel.read(bytes, from + bytes.position()) < 0) {
                break;
            }
        }
        return bytes.array();
    }

    private byte[] lines(RecordBatch batch) {
        ByteArrayOutputStream lines = new ByteArrayOutputStream(256 * batch.records().size());
        try {
            for (CatalogRecord record : batch.records()) {
                json.writeValue(lines, record.json());
                lines.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return lines.toByteArray();
    }

    /** The run's copy of a table, created empty on first use with its swap and clean-up registered. */
    private Path copyFor(Run run, String table) {
        Path copy = staging().resolve(table + "." + run.id() + ".jsonl");
        if (!open.containsKey(copy)) {
            try {
                channel(copy, StandardOpenOption.TRUNCATE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException("catalog: cannot create " + copy, e);
            }
            run.onSuccess(() -> swapIn(copy, table));
            run.onFailure(() -> discard(copy, table));
        }
        return copy;
    }

    /** The run's records held back for a table, created empty on first use with their append and clean-up registered. */
    private Path pendingFor(Run run, String table) {
        Path pending = staging().resolve(table + "." + run.id() + ".append.jsonl");
        if (!open.containsKey(pending)) {
            try {
                channel(pending, StandardOpenOption.TRUNCATE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException("catalog: cannot create " + pending, e);
            }
            run.onSuccess(() -> appendPending(pending, table));
            run.onFailure(() -> discard(pending, table));
        }
        return pending;
    }

    private void appendPending(Path pending, String table) {
        synchronized (lock(table)) {
            try {
                close(pending);
                FileChannel target = channel(tableFile(table), StandardOpenOption.APPEND);
                long before = target.size();
                try (FileChannel source = FileChannel.open(pending, StandardOpenOption.READ)) {
                    long size = source.size();
                    for (long done = 0; done < size;) {
                        done += source.transferTo(done, size - done, target);
                    }
                    target.force(false);
                } catch (IOException e) {
                    // all of the run's records or none
                    target.truncate(before);
                    throw e;
                }
                Files.delete(pending);
            } catch (IOException e) {
                throw new UncheckedIOException("catalog: cannot append the run's records to " + table, e);
            }
        }
    }

    private void swapIn(Path copy, String table) {
        Path file = tableFile(table);
        synchronized (lock(table)) {
            try {
                FileChannel channel = open.remove(copy);
                if (channel != null) {
                    channel.force(true);
                    channel.close();
                }
                close(file);
                Files.move(copy, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                DurableFiles.forceDirectory(file.getParent());
            } catch (IOException e) {
                throw new UncheckedIOException("catalog: cannot swap in the new copy of " + table, e);
            }
        }
    }

    private void discard(Path copy, String table) {
        synchronized (lock(table)) {
            try {
                close(copy);
                Files.deleteIfExists(copy);
            } catch (IOException e) {
                throw new UncheckedIOException("catalog: cannot delete " + copy, e);
            }
        }
    }

    /** Called with the table's lock held. */
    private FileChannel channel(Path file, StandardOpenOption mode) throws IOException {
        FileChannel channel = open.get(file);
        if (channel == null) {
            Files.createDirectories(file.getParent());
            boolean created = Files.notExists(file);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode);
            if (!created && mode == StandardOpenOption.APPEND) {
                dropTornLine(file, channel);
            }
            open.put(file, channel);
            if (created) {
                DurableFiles.forceDirectory(file.getParent());
            }
        }
        return channel;
    }

    /** Called with the table's lock held; the next append opens whatever file is then at that path. */
    private void close(Path file) throws IOException {
        FileChannel channel = open.remove(file);
        if (channel != null) {
            channel.close();
        }
    }

    private Object lock(String table) {
        return locks.computeIfAbsent(table, t -> new Object());
    }

    private Path dir() {
        return config.dataDir().resolve("catalog");
    }

    private Path staging() {
        return dir().resolve(".staging");
    }

    @PreDestroy
    void closeAll() {
        open.forEach((path, channel) -> {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debugf("closing %s: %s", path, e.getMessage());
            }
        });
        open.clear();
    }
}
