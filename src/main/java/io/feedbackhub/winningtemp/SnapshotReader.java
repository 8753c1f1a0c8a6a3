package io.feedbackhub.winningtemp;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Pass one over a snapshot file: every row read and checked, the good ones written as records to
 * the entity's next snapshot file, and counted against the accepted one (created, updated, left).
 * Nothing reaches the catalog here. Groups and segments (thousands of rows) are held in memory to
 * check the group tree; users (up to millions) stream through.
 */
final class SnapshotReader {

    /** What pass one found out about one entity. */
    static final class Pass {
        final Entity entity;
        final String fileName;
        final Path next;
        final SnapshotIndex accepted;
        final Set<String> ids = new HashSet<>();
        long rows;
        long created;
        long updated;
        /** Users whose status left the active one (the first configured status): the guard counts them with the removals. */
        long deactivated;

        Pass(Entity entity, String fileName, Path next, SnapshotIndex accepted) {
            this.entity = entity;
            this.fileName = fileName;
            this.next = next;
            this.accepted = accepted;
        }

        long removed() {
            return accepted.unseen();
        }
    }

    private record Entry(int line, ObjectNode record) {
    }

    private final ObjectMapper json;
    private final SnapshotFile file;
    private final RowRules rules;
    private final SnapshotReport report;
    private final boolean quarantine;
    private final Pass pass;
    private final Set<String> groups;
    private final Set<String> segments;
    private final LongIndex idLines;
    private final LongIndex usernameLines;
    private final String activeStatus;
    private OutputStream out;

    /**
     * @param groups   ids (keys) of the groups the users may refer to; null when reading groups or segments
     * @param segments ids of the segments the users may refer to
     * @param activeStatus the status of an active user (null: not counting deactivations)
     */
    SnapshotReader(ObjectMapper json, SnapshotFile file, RowRules rules, SnapshotReport report, boolean quarantine,
            Pass pass, Set<String> groups, Set<String> segments, String activeStatus) {
        this.json = json;
        this.file = file;
        this.rules = rules;
        this.report = report;
        this.quarantine = quarantine;
        this.pass = pass;
        this.groups = groups;
        this.segments = segments;
        this.activeStatus = pass.entity == Entity.USERS ? activeStatus : null;
        // sized for a snapshot like the last one; a larger one grows the indexes
        int expected = Math.max(1024, pass.accepted.size());
        this.idLines = new LongIndex(expected, 1);
        this.usernameLines = pass.entity == Entity.USERS ? new LongIndex(expected, 1) : null;
    }

    void read(InputStream in) throws IOException {
        try (OutputStream next = new BufferedOutputStream(Files.newOutputStream(pass.next), 64 * 1024)) {
            out = next;
            if (pass.entity == Entity.USERS) {
                file.read(in, pass.fileName, report, row -> {
                    ObjectNode record = check(row);
                    if (record != null) {
                        accept(row.line(), record);
                    }
                });
            } else {
                List<Entry> entries = new ArrayList<>();
                file.read(in, pass.fileName, report, row -> {
                    ObjectNode record = check(row);
                    if (record != null) {
                        entries.add(new Entry(row.line(), record));
                    }
                });
                List<Entry> ordered = pass.entity == Entity.GROUPS ? groupTree(entries) : entries;
                for (Entry entry : ordered) {
                    accept(entry.line(), entry.record());
                }
            }
        } finally {
            out = null;
        }
    }

    private ObjectNode check(SnapshotFile.Row row) {
        List<String> problems = new ArrayList<>(0);
        ObjectNode record = rules.record(row.cells(), problems);
        if (record != null && pass.entity == Entity.USERS) {
            references(record, "groups", groups, problems);
            references(record, "admin_of", groups, problems);
            references(record, "segments", segments, problems);
        }
        if (!problems.isEmpty()) {
            reject(row.line(), problems, row.cells()[0]);
            return null;
        }
        return record;
    }

    private void references(ObjectNode record, String field, Set<String> known, List<String> problems) {
        for (JsonNode ref : record.path(field)) {
            if (!known.contains(SnapshotIndex.key(ref.asText()))) {
                problems.add(rules.column(field) + ": '" + SnapshotFile.shorten(ref.asText()) + "' is not in the "
                        + (known == groups ? "groups" : "segments") + " snapshot");
            }
        }
    }

    /** Unique ids (and usernames), then the record is written and compared with the accepted one. */
    private void accept(int line, ObjectNode record) {
        String id = record.get("id").asText();
        long idHash = Hash64.of(SnapshotIndex.key(id));
        int earlier = idLines.find(idHash);
        if (earlier >= 0) {
            reject(line, List.of(rules.column("id") + " '" + SnapshotFile.shorten(id) + "' is also on line " + idLines.first(earlier)), null);
            return;
        }
        if (usernameLines != null) {
            String username = record.get("username").asText();
            long usernameHash = Hash64.of(SnapshotIndex.key(username));
            int other = usernameLines.find(usernameHash);
            if (other >= 0) {
                reject(line, List.of(rules.column("username") + " '" + SnapshotFile.shorten(username) + "' is also on line " + usernameLines.first(other)), id);
                return;
            }
            usernameLines.add(usernameHash, line, 0);
        }
        idLines.add(idHash, line, 0);
        try {
            byte[] bytes = json.writeValueAsBytes(record);
            write(bytes);
            compare(idHash, Hash64.of(bytes, 0, bytes.length), record);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the next " + pass.entity.label() + " snapshot", e);
        }
        if (pass.entity != Entity.USERS) {
            pass.ids.add(SnapshotIndex.key(id));
        }
    }

    private void compare(long idHash, long fingerprint, ObjectNode record) {
        pass.rows++;
        int slot = pass.accepted.see(idHash);
        if (slot < 0) {
            pass.created++;
        } else if (!pass.accepted.sameRecord(slot, fingerprint)) {
            pass.updated++;
            if (activeStatus != null && !activeStatus.equals(record.path("status").asText(null))
                    && activeStatus.equals(pass.accepted.record(slot, json).path("status").asText(null))) {
                pass.deactivated++;
            }
        }
    }

    /**
     * A bad row is reported. In quarantine its accepted record (if it has one) stays as it was:
     * a typo in a row must not make that person a leaver.
     */
    private void reject(int line, List<String> problems, String id) {
        problems.forEach(problem -> report.row(pass.fileName, line, problem));
        if (!quarantine) {
            return;
        }
        report.quarantined(pass.fileName);
        if (id == null || id.isBlank()) {
            return;
        }
        long idHash = Hash64.of(SnapshotIndex.key(id));
        if (idLines.find(idHash) >= 0) {
            return;
        }
        int slot = pass.accepted.see(idHash);
        if (slot >= 0) {
            idLines.add(idHash, line, 0);
            try {
                write(pass.accepted.lineAt(pass.accepted.offset(slot)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the next " + pass.entity.label() + " snapshot", e);
            }
            pass.rows++;
            if (pass.entity != Entity.USERS) {
                pass.ids.add(SnapshotIndex.key(id));
            }
        }
    }

    private void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.write('\n');
    }

    /**
     * Every parent exists and no group is its own ancestor; the groups come back parents first.
     * A group whose parent is bad is bad too.
     */
    private List<Entry> groupTree(List<Entry> entries) {
        java.util.Map<String, Entry> byId = new java.util.LinkedHashMap<>();
        entries.forEach(entry -> byId.putIfAbsent(SnapshotIndex.key(entry.record().get("id").asText()), entry));
        List<Entry> ordered = new ArrayList<>(entries.size());
        Set<String> placed = new HashSet<>();
        Set<String> bad = new HashSet<>();
        for (String id : byId.keySet()) {
            place(id, byId, placed, bad, new java.util.LinkedHashSet<>(), ordered);
        }
        // duplicates come last, to be reported by accept()
        entries.stream().filter(entry -> byId.get(SnapshotIndex.key(entry.record().get("id").asText())) != entry).forEach(ordered::add);
        return ordered;
    }

    private boolean place(String id, java.util.Map<String, Entry> byId, Set<String> placed, Set<String> bad,
            java.util.LinkedHashSet<String> path, List<Entry> ordered) {
        if (placed.contains(id)) {
            return true;
        }
        if (bad.contains(id)) {
            return false;
        }
        Entry entry = byId.get(id);
        String parent = entry.record().path("parent_id").asText(null);
        boolean ok = true;
        if (parent != null) {
            String parentKey = SnapshotIndex.key(parent);
            if (path.contains(parentKey) || parentKey.equals(id)) {
                List<String> members = new ArrayList<>(path);
                members = new ArrayList<>(parentKey.equals(id) ? List.of() : members.subList(members.indexOf(parentKey), members.size()));
                members.add(id);
                String cycle = String.join(" -> ", members) + " -> " + members.get(0);
                for (String member : members) {
                    Entry inCycle = byId.get(member);
                    reject(inCycle.line(), List.of(rules.column("parent_id") + " '" + SnapshotFile.shorten(inCycle.record().path("parent_id").asText())
                            + "' makes a cycle: " + cycle), inCycle.record().get("id").asText());
                    bad.add(member);
                }
                ok = false;
            } else if (!byId.containsKey(parentKey)) {
                reject(entry.line(), List.of(rules.column("parent_id") + " '" + SnapshotFile.shorten(parent) + "' is not in the groups snapshot"),
                        entry.record().get("id").asText());
                ok = false;
            } else {
                path.add(id);
                ok = place(parentKey, byId, placed, bad, path, ordered);
                path.remove(id);
                if (!ok && !bad.contains(id)) {
                    reject(entry.line(), List.of(rules.column("parent_id") + " '" + SnapshotFile.shorten(parent) + "' is a rejected group"),
                            entry.record().get("id").asText());
                }
            }
        }
        if (ok) {
            placed.add(id);
            ordered.add(entry);
        } else {
            bad.add(id);
        }
        return ok;
    }
}
