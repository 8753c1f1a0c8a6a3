package io.feedbackhub.wootric;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.feedbackhub.client.wootric.WootricRequest;

/**
 * Reads one stream completely through Wootric's paging limits (50 rows a page, 30 pages a filter):
 * <ul>
 * <li>Windows {@code <filter>[gte]..<filter>[lt]} (inclusive lower bound) sorted ascending on
 * {@code <filter>_at}; a short page ends a window.</li>
 * <li>After a full page the filter starts again at page 1 from the second of its last row (rows of
 * that second are read again and dropped by id), so a row that leaves the window during the run
 * cannot shift another past the page boundary. Page numbers only count through one second.</li>
 * <li>When that second is the window's own lower bound (more rows in one second than one filter can
 * return), end users are split further by {@code created[...]} within that second; responses and
 * declines have no such filter, so that second is read per end user ({@link EndUserSplit}). End
 * users whose whole page shares one later second go to their split at once.</li>
 * </ul>
 * After each page {@link #cursor()} tells where a restarted run may resume without skipping a row.
 */
public final class StreamScan {

    static final int PER_PAGE = 50;
    static final int MAX_PAGE = 30;

    private final WootricStream stream;
    private final String table;
    private final boolean replace;
    private final long end;
    private final long windowSeconds;
    private final Long changedSince;
    private final Set<Long> skip;
    private final long skipSecond;
    private final String sortField;
    private final Set<Long> seen = new HashSet<>();
    /** Versions ({@link #version}) already in the catalog: the last page of a run cut off before its bookmark. */
    private Set<String> written = Set.of();
    /** Rows updated from this second on are remembered for the next run's margin ({@link #recent()}). */
    private long rememberSince = Long.MAX_VALUE;
    private final Set<String> recent = new HashSet<>();
    /** Ids read per window-filter second, to resume inside a second without re-emitting. */
    private final Map<Long, Set<Long>> idsBySecond = new HashMap<>();

    private long gte;
    private long windowEnd;
    private int page = 1;
    /** Set while a crowded second is read by created_at sub-windows (end users) or per end user. */
    private Long crowdedSecond;
    private EndUserSplit perEndUser;
    private long createdGte;
    private boolean done;
    private Cursor cursor;

    /**
     * @param from          first second to read (inclusive)
     * @param end           the run's start: seconds from here on are left to the next run
     * @param changedSince  rows created before it are kept only if updated since it (look-back re-reads); null keeps all
     * @param skip          ids of the {@code from} second that an interrupted run already delivered
     */
    public StreamScan(WootricStream stream, String table, boolean replace, long from, long end, long windowSeconds,
            Long changedSince, Set<Long> skip) {
        this.stream = stream;
        this.table = table;
        this.replace = replace;
        this.end = end;
        this.windowSeconds = windowSeconds;
        this.changedSince = changedSince;
        this.skip = Set.copyOf(skip);
        this.skipSecond = from;
        this.sortField = stream.windowFilter() + "_at";
        this.gte = from;
        this.windowEnd = Math.min(end, saturatedAdd(from, windowSeconds));
        this.done = from >= end;
        this.cursor = new Cursor(from, skip);
        // a run cut off again inside that second must still remember what the first one delivered
        this.idsBySecond.put(from, new HashSet<>(skip));
    }

    public boolean hasNext() {
        return !done;
    }

    public WootricRequest nextRequest() {
        if (perEndUser != null) {
            return perEndUser.nextRequest();
        }
        Map<String, String> query = new LinkedHashMap<>();
        String filter = stream.windowFilter();
        if (crowdedSecond == null) {
            query.put(filter + "[gte]", String.valueOf(gte));
            query.put(filter + "[lt]", String.valueOf(windowEnd));
            query.put("sort_key", sortField);
        } else {
            query.put(filter + "[gte]", String.valueOf(crowdedSecond));
            query.put(filter + "[lt]", String.valueOf(crowdedSecond + 1));
            query.put("created[gte]", String.valueOf(createdGte));
            query.put("created[lt]", String.valueOf(end));
            query.put("sort_key", "created_at");
        }
        query.put("sort_order", "asc");
        query.put("per_page", String.valueOf(PER_PAGE));
        query.put("page", String.valueOf(page));
        return WootricRequest.get(stream.path(), query);
    }

    /** Takes one page (records already normalised) and returns the records to write, in order. */
    public List<ObjectNode> accept(List<ObjectNode> rows) {
        if (perEndUser != null && perEndUser.listingUsers()) {
            perEndUser.acceptUsers(rows);
            finishIfSplitDone();
            return List.of();
        }
        List<ObjectNode> fresh = new ArrayList<>(rows.size());
        for (ObjectNode row : rows) {
            long id = row.path("id").asLong();
            long second = WootricDates.epochSecond(row, sortField);
            if (perEndUser != null && second != perEndUser.second()) {
                // an end user's other rows: the windows read them
                continue;
            }
            idsBySecond.computeIfAbsent(second, s -> new HashSet<>()).add(id);
            if (WootricDates.epochSecond(row, "updated_at") >= rememberSince) {
                recent.add(version(row));
            }
            // the ids an interrupted run delivered are those of the cursor's second only: a later version is new
            boolean delivered = second == skipSecond && skip.contains(id);
            if (seen.add(id) && !delivered && !written.contains(version(row)) && wanted(row)) {
                fresh.add(row);
            }
        }
        advance(rows);
        return fresh;
    }

    /**
     * Rows whose exact version (id and updated_at) the catalog already holds are not written again:
     * a run cut off between writing a page and moving its bookmark re-reads that page when resumed.
     */
    public StreamScan alreadyWritten(Set<String> versions) {
        this.written = Set.copyOf(versions);
        return this;
    }

    /** Remember the versions of rows updated from {@code second} on: the next run's margin re-reads them. */
    public StreamScan remembering(long second) {
        this.rememberSince = second;
        return this;
    }

    /**
     * The versions the next run's margin will read again: those this run read, and those it was told
     * were written before ({@link #alreadyWritten}) that are still in the margin. A run resumed after
     * an interrupted one starts at its cursor and does not read what that one wrote before it: without
     * these, the next run would write them again.
     */
    public Set<String> recent() {
        Set<String> all = new HashSet<>(recent);
        written.stream().filter(version -> updatedAt(version) >= rememberSince).forEach(all::add);
        return all;
    }

    private static long updatedAt(String version) {
        try {
            // rows are normalised before they are scanned: updated_at is an ISO-8601 instant
            return Instant.parse(version.substring(version.lastIndexOf('@') + 1)).getEpochSecond();
        } catch (java.time.format.DateTimeParseException e) {
            // not a version this class wrote: keep it rather than risk a row written twice
            return Long.MAX_VALUE;
        }
    }

    static String version(JsonNode row) {
        return row.path("id").asText() + "@" + row.path("updated_at").asText();
    }

    private boolean wanted(ObjectNode row) {
        return changedSince == null
                || WootricDates.epochSecond(row, "created_at") >= changedSince
                || WootricDates.epochSecond(row, "updated_at") >= changedSince;
    }

    private void advance(List<ObjectNode> rows) {
        if (perEndUser != null) {
            moveCursor(perEndUser.second());
            perEndUser.acceptRows(rows.size());
            finishIfSplitDone();
        } else if (rows.size() < PER_PAGE) {
            finishFilter();
        } else if (crowdedSecond != null) {
            advanceInCrowdedSecond(rows);
        } else {
            long first = WootricDates.epochSecond(rows.get(0), sortField);
            long last = WootricDates.epochSecond(rows.get(rows.size() - 1), sortField);
            if (last > gte && (first < last || !stream.splitsByCreated())) {
                // go on from the last row's second rather than to the next page number: rows that
                // leave the window meanwhile (updated during the run) cannot shift others out of reach
                gte = last;
                page = 1;
                moveCursor(last);
            } else if (last > gte) {
                // a whole page of end users in one second: likely too crowded for a filter, split it at once
                gte = last;
                moveCursor(last);
                splitByCreated(last);
            } else if (page < MAX_PAGE) {
                page++;
                moveCursor(last);
            } else if (stream.splitsByCreated()) {
                // the 30th page's rows count as read too: without this a run resumed here wrote them twice
                moveCursor(gte);
                splitByCreated(gte);
            } else {
                moveCursor(gte);
                crowdedSecond = gte;
                perEndUser = new EndUserSplit(stream, gte);
            }
        }
    }

    private void finishIfSplitDone() {
        if (perEndUser.done()) {
            perEndUser = null;
            finishFilter();
        }
    }

    private void splitByCreated(long second) {
        crowdedSecond = second;
        createdGte = 0;
        page = 1;
    }

    private void advanceInCrowdedSecond(List<ObjectNode> rows) {
        // the cursor stays in the crowded second but remembers every id of it read so far
        moveCursor(crowdedSecond);
        long lastCreated = WootricDates.epochSecond(rows.get(rows.size() - 1), "created_at");
        if (lastCreated > createdGte) {
            createdGte = lastCreated;
            page = 1;
        } else if (page < MAX_PAGE) {
            page++;
        } else {
            throw new IllegalStateException("more than " + (PER_PAGE * MAX_PAGE) + " end users were both updated in "
                    + Instant.ofEpochSecond(crowdedSecond) + " and created in " + Instant.ofEpochSecond(lastCreated)
                    + "; the Wootric API cannot page through them, so the run stops instead of skipping any");
        }
    }

    /** A filter returned its last page: the crowded second, or the window, is complete. */
    private void finishFilter() {
        page = 1;
        if (crowdedSecond != null) {
            gte = crowdedSecond + 1;
            crowdedSecond = null;
            if (gte < windowEnd) {
                moveCursor(gte);
                return;
            }
        }
        gte = windowEnd;
        windowEnd = Math.min(end, saturatedAdd(gte, windowSeconds));
        done = gte >= end;
        moveCursor(gte);
    }

    /** Every row before {@code second} has been read; rows of that second read so far are remembered. */
    private void moveCursor(long second) {
        if (second >= cursor.second()) {
            idsBySecond.keySet().removeIf(s -> s < second);
            cursor = new Cursor(second, Set.copyOf(idsBySecond.getOrDefault(second, Set.of())));
        }
    }

    public Cursor cursor() {
        return cursor;
    }

    public WootricStream stream() {
        return stream;
    }

    public String table() {
        return table;
    }

    public boolean replace() {
        return replace;
    }

    public long end() {
        return end;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    /** Where a later run resumes: the second to read from, and the ids of that second already delivered. */
    public record Cursor(long second, Set<Long> ids) {

        public String format() {
            return second + (ids.isEmpty() ? "" : ":" + ids.stream().sorted().map(String::valueOf).collect(Collectors.joining(",")));
        }

        public static Cursor parse(String text) {
            int colon = text.indexOf(':');
            if (colon < 0) {
                return new Cursor(Long.parseLong(text.trim()), Set.of());
            }
            Set<Long> ids = new HashSet<>();
            for (String id : text.substring(colon + 1).split(",")) {
                if (!id.isBlank()) {
                    ids.add(Long.parseLong(id.trim()));
                }
            }
            return new Cursor(Long.parseLong(text.substring(0, colon)), ids);
        }
    }
}
