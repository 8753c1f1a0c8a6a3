package io.feedbackhub.core.state;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import org.apache.camel.spi.StateRepository;
import org.apache.camel.support.service.ServiceSupport;

import io.feedbackhub.core.files.DurableFiles;

/**
 * Camel's state repository API on a file that a crash cannot tear: every change writes the whole
 * (small) store to a temporary file, forces it to disk and renames it over the old one.
 *
 * <p>Written here because Camel's {@code FileStateRepository} appends each entry with several
 * writes and truncates the file in place when it grows: a kill -9 at the wrong moment leaves a
 * half line that stops the next start, or a store with bookmarks missing.
 *
 * <p>{@code setState(key, null)} removes the entry. A store built with a {@code keep} test drops
 * the values it refuses (expired ones) when it loads and whenever it writes.
 */
public class AtomicFileStateRepository extends ServiceSupport implements StateRepository<String, String>, StateEntries {

    private final Path file;
    private final Predicate<String> keep;
    private final Map<String, String> state = new ConcurrentHashMap<>();

    public AtomicFileStateRepository(Path file) {
        this(file, value -> true);
    }

    public AtomicFileStateRepository(Path file, Predicate<String> keep) {
        this.file = file;
        this.keep = keep;
    }

    @Override
    protected void doStart() throws IOException {
        Files.createDirectories(file.getParent());
        Files.deleteIfExists(aside());
        if (Files.exists(file)) {
            Properties stored = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                stored.load(in);
            }
            stored.forEach((key, value) -> {
                if (keep.test((String) value)) {
                    state.put((String) key, (String) value);
                }
            });
        }
    }

    @Override
    public String getState(String key) {
        return state.get(key);
    }

    @Override
    public Map<String, String> entries() {
        return Map.copyOf(state);
    }

    @Override
    public synchronized void setState(String key, String value) {
        if (value == null) {
            state.remove(key);
        } else {
            state.put(key, value);
        }
        state.values().removeIf(keep.negate());
        Properties snapshot = new Properties();
        snapshot.putAll(state);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            snapshot.store(out, "feedback-hub state");
            DurableFiles.writeAside(aside(), file, out.toByteArray());
            DurableFiles.forceDirectory(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the state in " + file, e);
        }
    }

    private Path aside() {
        return file.resolveSibling(file.getFileName() + ".tmp");
    }
}
