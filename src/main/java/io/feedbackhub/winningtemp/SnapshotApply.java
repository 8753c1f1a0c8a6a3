package io.feedbackhub.winningtemp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Pass two, once the whole snapshot is known to be good: the catalog messages, a batch at a time.
 * First every entity's full table (segments, groups parents first, users) as replacement copies,
 * then the changes: created and updated in the same order, then the leavers (users first, then
 * groups children first, then segments).
 */
final class SnapshotApply implements Iterator<SnapshotApply.Batch> {

    static final String CHANGES_TABLE = "winningtemp_changes";
    static final int BATCH = 1000;

    /** One catalog message. */
    record Batch(String table, boolean replace, List<ObjectNode> records) {
    }

    private final ObjectMapper json;
    private final List<SnapshotReader.Pass> passes;
    private final Map<Entity, String> snapshotTimes;
    private final Map<Entity, String> transitions;
    private final String runId;
    private final List<Iterator<Batch>> steps = new ArrayList<>();
    private int step;

    /**
     * @param transitions per entity, which accepted snapshot is replaced by which file (content hashes): a
     *                    change's id is the same however often a failed run is retried, and differs for every other step
     */
    SnapshotApply(ObjectMapper json, List<SnapshotReader.Pass> passes, Map<Entity, String> snapshotTimes,
            Map<Entity, String> transitions, String runId) {
        this.json = json;
        this.passes = passes;
        this.snapshotTimes = snapshotTimes;
        this.transitions = transitions;
        this.runId = runId;
        passes.forEach(pass -> steps.add(new Lines(pass, true)));
        passes.forEach(pass -> steps.add(new Lines(pass, false)));
        for (int i = passes.size() - 1; i >= 0; i--) {
            steps.add(new Leavers(passes.get(i)));
        }
    }

    @Override
    public boolean hasNext() {
        while (step < steps.size() && !steps.get(step).hasNext()) {
            step++;
        }
        return step < steps.size();
    }

    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new java.util.NoSuchElementException();
        }
        return steps.get(step).next();
    }

    private ObjectNode change(SnapshotReader.Pass pass, String id, String kind, JsonNode fields) {
        ObjectNode change = json.createObjectNode();
        change.put("id", pass.entity.label() + "/" + id + "/" + transitions.get(pass.entity));
        change.put("entity", pass.entity.label());
        change.put("entity_id", id);
        change.put("change", kind);
        change.set("fields", fields);
        change.put("snapshot_time", snapshotTimes.get(pass.entity));
        change.put("run_id", runId);
        return change;
    }

    private static ObjectNode withoutId(ObjectNode record) {
        ObjectNode fields = record.deepCopy();
        fields.remove("id");
        return fields;
    }

    private ObjectNode changedFields(ObjectNode before, ObjectNode after) {
        ObjectNode fields = json.createObjectNode();
        after.fieldNames().forEachRemaining(name -> {
            JsonNode from = before.path(name);
            JsonNode to = after.get(name);
            if (!from.equals(to)) {
                ObjectNode change = fields.putObject(name);
                change.set("from", from.isMissingNode() ? json.nullNode() : from);
                change.set("to", to);
            }
        });
        return fields;
    }

    /** The next snapshot of an entity, as its full table or as its created and updated records. */
    private final class Lines implements Iterator<Batch> {
        private final SnapshotReader.Pass pass;
        private final boolean table;
        private BufferedReader reader;
        private boolean started;
        private Batch ahead;

        Lines(SnapshotReader.Pass pass, boolean table) {
            this.pass = pass;
            this.table = table;
        }

        @Override
        public boolean hasNext() {
            if (ahead == null) {
                ahead = read();
            }
            return ahead != null;
        }

        @Override
        public Batch next() {
            Batch batch = ahead;
            ahead = null;
            return batch;
        }

        private Batch read() {
            try {
                if (reader == null) {
                    if (started) {
                        return null;
                    }
                    reader = Files.newBufferedReader(pass.next, StandardCharsets.UTF_8);
                }
                List<ObjectNode> records = new ArrayList<>(BATCH);
                String line;
                while (records.size() < BATCH && (line = reader.readLine()) != null) {
                    ObjectNode record = (ObjectNode) json.readTree(line);
                    if (table) {
                        records.add(record);
                    } else {
                        changeOf(record, line);
                    }
                    if (!table && pending != null) {
                        records.add(pending);
                        pending = null;
                    }
                }
                boolean first = !started;
                started = true;
                if (records.size() < BATCH) {
                    reader.close();
                    reader = null;
                }
                if (records.isEmpty() && !(table && first)) {
                    return null;
                }
                // a table's first batch goes out even when empty: it starts the replacement copy
                return new Batch(table ? pass.entity.table() : CHANGES_TABLE, table, records);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the next " + pass.entity.label() + " snapshot", e);
            }
        }

        private ObjectNode pending;

        private void changeOf(ObjectNode record, String line) {
            String id = record.get("id").asText();
            int slot = pass.accepted.find(Hash64.of(SnapshotIndex.key(id)));
            if (slot < 0) {
                pending = change(pass, id, "created", withoutId(record));
                return;
            }
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            if (!pass.accepted.sameRecord(slot, Hash64.of(bytes, 0, bytes.length))) {
                pending = change(pass, id, "updated", changedFields(pass.accepted.record(slot, json), record));
            }
        }
    }

    /** The accepted records no row of the new snapshot claimed. */
    private final class Leavers implements Iterator<Batch> {
        private final SnapshotReader.Pass pass;
        private long[] offsets;
        private int next;

        Leavers(SnapshotReader.Pass pass) {
            this.pass = pass;
        }

        @Override
        public boolean hasNext() {
            if (offsets == null) {
                offsets = pass.accepted.leaverOffsets();
            }
            return next < offsets.length;
        }

        @Override
        public Batch next() {
            List<ObjectNode> records = new ArrayList<>(BATCH);
            while (records.size() < BATCH && next < offsets.length) {
                ObjectNode gone = pass.accepted.recordAt(offsets[next++], json);
                records.add(change(pass, gone.get("id").asText(), "removed", withoutId(gone)));
            }
            return new Batch(CHANGES_TABLE, false, records);
        }
    }
}
