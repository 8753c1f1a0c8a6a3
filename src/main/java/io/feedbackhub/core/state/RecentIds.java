package io.feedbackhub.core.state;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.apache.camel.support.LRUCacheFactory;
import org.apache.camel.support.processor.idempotent.FileIdempotentRepository;

import io.feedbackhub.core.files.DurableFiles;

/**
 * Camel's file idempotent repository remembering the last {@code window} ids: kept in memory,
 * appended to a file, and loaded from it at start, so a duplicate is recognised across restarts.
 *
 * <p>Camel's own class answers a miss in its memory by reading its whole file, under its one lock,
 * so every new id (nearly every message) costs a scan of a file that only grows: at the relay's
 * rates that was most of the hub's CPU. Here the window in memory is the memory; an id older than
 * the window counts as new.
 *
 * <p>Its file operations are replaced too: Camel rewrites the file in place when it drops the
 * oldest ids (a kill -9 in the middle leaves it empty or cut), and a failed append (a full disk)
 * leaves half an id that the next append runs into. Here a rewrite is written aside and renamed
 * into place, and an append is whole or cut back at once.
 */
public class RecentIds extends FileIdempotentRepository {

    private final Path file;
    private final Path aside;

    public RecentIds(File file, int window) {
        super(file, LRUCacheFactory.newLRUCache(window));
        this.file = file.toPath();
        this.aside = this.file.resolveSibling(file.getName() + ".rewrite");
        setCacheSize(window);
        // about 40 bytes an id: the file keeps a few windows' worth before its oldest lines are dropped
        setMaxFileStoreSize(Math.max(1L << 20, 160L * window));
        // dropping three windows at once makes the rewrite rare
        setDropOldestFileStore(3L * window);
        file.getParentFile().mkdirs();
    }

    @Override
    protected boolean containsStore(String key) {
        return false;
    }

    @Override
    protected void appendToStore(String key) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            // a line cut short (a crash of another writer, a disk full before this process started) is ended first
            boolean torn = size > 0 && lastByte(channel, size) != '\n';
            channel.position(size);
            DurableFiles.appendWhole(channel, ((torn ? "\n" : "") + key + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("could not remember the id in " + file, e);
        }
    }

    @Override
    protected void trunkStore() {
        rewrite(lines -> lines.subList((int) Math.min(lines.size(), getDropOldestFileStore()), lines.size()));
    }

    @Override
    protected void removeFromStore(String key) {
        rewrite(lines -> lines.stream().filter(line -> !line.equals(key)).toList());
    }

    @Override
    protected void clearStore() {
        rewrite(lines -> List.of());
    }

    private void rewrite(java.util.function.UnaryOperator<List<String>> change) {
        try {
            List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
            StringBuilder kept = new StringBuilder();
            change.apply(lines).stream().filter(line -> !line.isEmpty()).forEach(line -> kept.append(line).append('\n'));
            DurableFiles.writeAside(aside, file, kept.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("could not rewrite " + file, e);
        }
    }

    private static byte lastByte(FileChannel channel, long size) throws IOException {
        ByteBuffer last = ByteBuffer.allocate(1);
        channel.read(last, size - 1);
        return last.get(0);
    }
}
