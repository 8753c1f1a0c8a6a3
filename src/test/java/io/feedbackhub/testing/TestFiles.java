package io.feedbackhub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

public final class TestFiles {

    private TestFiles() {
    }

    public static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Puts a plain file where a directory should be, so writes into it fail, until closed: then the
     * directory is back as it was.
     */
    public static AutoCloseable blockDirectory(Path dir) throws IOException {
        Path aside = dir.resolveSibling(dir.getFileName() + "-aside");
        Files.createDirectories(dir);
        Files.move(dir, aside);
        Files.writeString(dir, "not a directory");
        return () -> {
            Files.delete(dir);
            Files.move(aside, dir);
        };
    }
}
