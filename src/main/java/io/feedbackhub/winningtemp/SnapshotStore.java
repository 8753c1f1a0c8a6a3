package io.feedbackhub.winningtemp;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.feedbackhub.core.config.HubConfig;

/**
 * The connector's files under {@code ${hub.data-dir}/winningtemp}: the last accepted snapshot of
 * each entity ({@code users.jsonl} ...), the next one a run is writing ({@code users.<run>.next}),
 * which replaces it atomically only when the run has succeeded, and the files of a snapshot held
 * by the removal guard ({@code held/}), for a confirming run.
 */
@ApplicationScoped
public class SnapshotStore {

    @Inject
    HubConfig hub;

    @Inject
    ObjectMapper json;

    Path accepted(Entity entity) {
        return dir().resolve(entity.label() + ".jsonl");
    }

    Path next(Entity entity, String runId) {
        return dir().resolve(entity.label() + "." + runId + ".next");
    }

    Path held() {
        return dir().resolve("held");
    }

    /** Written aside, forced to disk, renamed over the accepted snapshot: a crash leaves the old one or the new one. */
    void promote(Path next, Entity entity) {
        try {
            try (FileChannel channel = FileChannel.open(next, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(next, accepted(entity), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel dir = FileChannel.open(dir(), StandardOpenOption.READ)) {
                dir.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the accepted " + entity.label() + " snapshot", e);
        }
    }

    void discard(Path next) {
        try {
            Files.deleteIfExists(next);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + next, e);
        }
    }

    /** The ids (keys) of the accepted groups or segments: what users may refer to when no new file came. */
    Set<String> acceptedIds(Entity entity) {
        Set<String> ids = new HashSet<>();
        Path file = accepted(entity);
        if (Files.exists(file)) {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
                JsonLines.read(in, (bytes, length, offset) -> ids.add(SnapshotIndex.key(SnapshotIndex.idOf(json, bytes, length))));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return ids;
    }

    /**
     * Accepted users that refer to a group or segment not in {@code groups}/{@code segments}: what a
     * groups or segments file that came without a users file would leave dangling. At most
     * {@code max} examples, and the count of all.
     */
    Dangling danglingUsers(Set<String> groups, Set<String> segments, int max) {
        Dangling dangling = new Dangling(new ArrayList<>(), new long[1]);
        Path file = accepted(Entity.USERS);
        if (!Files.exists(file)) {
            return dangling;
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            JsonLines.read(in, (bytes, length, offset) -> {
                JsonNode user = json.readTree(bytes, 0, length);
                for (String field : List.of("groups", "admin_of", "segments")) {
                    Set<String> known = field.equals("segments") ? segments : groups;
                    for (JsonNode ref : user.path(field)) {
                        if (!known.contains(SnapshotIndex.key(ref.asText()))) {
                            if (dangling.examples().size() < max) {
                                dangling.examples().add("user '" + SnapshotFile.shorten(user.path("id").asText()) + "' "
                                        + field + " '" + SnapshotFile.shorten(ref.asText()) + "'");
                            }
                            dangling.count()[0]++;
                        }
                    }
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return dangling;
    }

    record Dangling(List<String> examples, long[] count) {
    }

    /** Keeps the files of a held snapshot (replacing an older held one) until a run confirms or supersedes it. */
    void hold(List<PickedFile> files) {
        try {
            clearHeld();
            Files.createDirectories(held());
            for (PickedFile file : files) {
                Files.copy(file.local(), held().resolve(file.name()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the held snapshot in " + held(), e);
        }
    }

    List<Path> heldFiles() {
        if (!Files.isDirectory(held())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(held())) {
            return files.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + held(), e);
        }
    }

    void clearHeld() {
        for (Path file : heldFiles()) {
            discard(file);
        }
    }

    void createDir() {
        try {
            Files.createDirectories(dir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir(), e);
        }
    }

    private Path dir() {
        return hub.dataDir().resolve("winningtemp");
    }
}
