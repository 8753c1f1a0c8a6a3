package io.feedbackhub.winningtemp;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The last accepted snapshot of one entity, as the diff needs it: per id (hashed) where its record
 * is in the accepted file and a fingerprint of that record. Records themselves are read back from
 * the file only for the few rows that changed or left, so a million-user snapshot costs tens of
 * megabytes, not the rows.
 */
final class SnapshotIndex implements AutoCloseable {

    private final Path file;
    private final LongIndex index;
    private final BitSet seen;
    private RandomAccessFile reader;

    private SnapshotIndex(Path file, LongIndex index) {
        this.file = file;
        this.index = index;
        this.seen = new BitSet(index.capacity());
    }

    /** The accepted snapshot in {@code file}; empty when there is none yet (the first run). */
    static SnapshotIndex load(Path file, ObjectMapper json) {
        if (!Files.exists(file)) {
            return new SnapshotIndex(null, new LongIndex(16, 2));
        }
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
            LongIndex index = new LongIndex((int) Math.min(Integer.MAX_VALUE / 4, Math.max(16, Files.size(file) / 300)), 2);
            JsonLines.read(in, (bytes, length, offset) -> index.add(Hash64.of(key(idOf(json, bytes, length))), offset,
                    Hash64.of(bytes, 0, length)));
            return new SnapshotIndex(file, index);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the accepted snapshot " + file, e);
        }
    }

    /** How ids are compared: " U-1 " and "u-1" are the same person. */
    static String key(String id) {
        return id.trim().toLowerCase(Locale.ROOT);
    }

    static String idOf(ObjectMapper json, byte[] bytes, int length) throws IOException {
        try (JsonParser parser = json.getFactory().createParser(bytes, 0, length)) {
            while (parser.nextToken() != null) {
                if (parser.currentToken() == JsonToken.FIELD_NAME && "id".equals(parser.currentName())) {
                    parser.nextToken();
                    return parser.getText();
                }
            }
        }
        throw new IOException("a record without an id");
    }

    int size() {
        return index.size();
    }

    /** The slot of an id in the accepted snapshot (marking it as still present), or -1 for a new id. */
    int see(long idHash) {
        int slot = index.find(idHash);
        if (slot >= 0) {
            seen.set(slot);
        }
        return slot;
    }

    /** The slot of an id, or -1; unlike {@link #see} it marks nothing. */
    int find(long idHash) {
        return index.find(idHash);
    }

    boolean sameRecord(int slot, long fingerprint) {
        return index.second(slot) == fingerprint;
    }

    /** Ids of the accepted snapshot no row of the new one has claimed. */
    int unseen() {
        return index.size() - seen.cardinality();
    }

    /** Offsets of the records that left, last first (the accepted file has parents before children). */
    long[] leaverOffsets() {
        long[] offsets = new long[unseen()];
        int n = 0;
        for (int slot = 0; slot < index.capacity(); slot++) {
            if (index.used(slot) && !seen.get(slot)) {
                offsets[n++] = index.first(slot);
            }
        }
        Arrays.sort(offsets);
        for (int i = 0; i < n / 2; i++) {
            long t = offsets[i];
            offsets[i] = offsets[n - 1 - i];
            offsets[n - 1 - i] = t;
        }
        return offsets;
    }

    long offset(int slot) {
        return index.first(slot);
    }

    ObjectNode record(int slot, ObjectMapper json) {
        return recordAt(index.first(slot), json);
    }

    byte[] lineAt(long offset) {
        try {
            if (reader == null) {
                reader = new RandomAccessFile(file.toFile(), "r");
            }
            reader.seek(offset);
            ByteArrayOutputStream line = new ByteArrayOutputStream(512);
            byte[] chunk = new byte[2048];
            int n;
            while ((n = reader.read(chunk)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (chunk[i] == '\n') {
                        line.write(chunk, 0, i);
                        return line.toByteArray();
                    }
                }
                line.write(chunk, 0, n);
            }
            return line.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the accepted snapshot " + file, e);
        }
    }

    ObjectNode recordAt(long offset, ObjectMapper json) {
        try {
            return (ObjectNode) json.readTree(lineAt(offset));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the accepted snapshot " + file, e);
        }
    }

    @Override
    public void close() {
        if (reader != null) {
            try {
                reader.close();
            } catch (IOException e) {
                // read-only; nothing is lost
            }
            reader = null;
        }
    }
}
