package io.feedbackhub.core.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Files that survive a crash whole or not at all: written aside, forced, renamed into place, and
 * the rename itself forced by an fsync of the directory (without it, a power loss can undo the
 * rename although the data is on disk).
 */
public final class DurableFiles {

    private DurableFiles() {
    }

    /**
     * Writes {@code content} to {@code aside} (replacing a copy a crash left there), forces it and renames it to
     * {@code target}, replacing what was there. The directory is not forced: call
     * {@link #forceDirectory} before relying on the new name.
     */
    public static void writeAside(Path aside, Path target, byte[] content) throws IOException {
        try (FileChannel channel = FileChannel.open(aside, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(aside);
            throw e;
        }
        Files.move(aside, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Appends {@code bytes} whole or not at all: when a write fails part-way (a full disk), the file
     * is cut back to where it was, so a retry never lands on half a line.
     */
    public static void appendWhole(FileChannel channel, byte[] bytes) throws IOException {
        long before = channel.size();
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            try {
                channel.truncate(before);
            } catch (IOException cut) {
                e.addSuppressed(cut);
            }
            throw e;
        }
    }

    /** {@link #appendWhole(FileChannel, byte[])} to a file, created if need be. */
    public static void appendWhole(Path file, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            appendWhole(channel, bytes);
        }
    }

    /** Forces a directory's entries (creations, renames, deletions) to disk. */
    public static void forceDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
