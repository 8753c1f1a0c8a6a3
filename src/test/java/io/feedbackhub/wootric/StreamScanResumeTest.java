package io.feedbackhub.wootric;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.feedbackhub.client.wootric.WootricRequest;

/**
 * A run cut off after any page and resumed from its cursor (as {@link WootricPull#plan} does)
 * delivers every row exactly once, crowded seconds included. The API is an in-memory list that
 * filters, sorts and pages as Wootric's documentation describes.
 */
class StreamScanResumeTest {

    static final long JUNE = 1_717_200_000L;

    record Row(long id, long created, long updated) {
    }

    static List<Row> endUsers() {
        List<Row> rows = new ArrayList<>();
        long id = 1;
        for (int i = 0; i < 600; i++) {
            rows.add(new Row(id++, JUNE + i * 600L, JUNE + i * 600L + (i % 7)));
        }
        // a crowded second: more rows than 30 pages of 50 can hold
        for (int i = 0; i < 1_600; i++) {
            rows.add(new Row(id++, JUNE + i, JUNE + 200_000));
        }
        return rows;
    }

    /** Wootric's list: [gte]/[lt] filters on created/updated, sort by the key then (undocumented) id, pages of per_page. */
    static List<ObjectNode> answer(List<Row> table, WootricRequest request) {
        Map<String, String> q = request.query();
        List<Row> matching = table.stream().filter(r -> within(q, "created", r.created()) && within(q, "updated", r.updated()))
                .sorted(Comparator.comparingLong((Row r) -> q.get("sort_key").equals("created_at") ? r.created() : r.updated())
                        .thenComparingLong(Row::id))
                .toList();
        int perPage = Integer.parseInt(q.get("per_page"));
        int page = Integer.parseInt(q.get("page"));
        assertThat(page).as("Wootric refuses page 31").isBetween(1, 30);
        return matching.stream().skip((long) (page - 1) * perPage).limit(perPage)
                .map(r -> StreamScanTest.row(r.id(), r.created(), r.updated())).toList();
    }

    static boolean within(Map<String, String> q, String field, long value) {
        String gte = q.get(field + "[gte]");
        String lt = q.get(field + "[lt]");
        return (gte == null || value >= Long.parseLong(gte)) && (lt == null || value < Long.parseLong(lt));
    }

    /** Reads up to {@code pages} pages (all when negative) into {@code delivered}; returns the cursor then. */
    static StreamScan.Cursor run(StreamScan scan, List<Row> table, int pages, Map<Long, Integer> delivered) {
        int read = 0;
        while (scan.hasNext() && (pages < 0 || read < pages)) {
            for (ObjectNode row : scan.accept(answer(table, scan.nextRequest()))) {
                delivered.merge(row.path("id").asLong(), 1, Integer::sum);
            }
            read++;
        }
        return scan.cursor();
    }

    /** A scan as {@link WootricPull#plan} makes it: from the cursor, through its text form, when there is one. */
    static StreamScan scan(long from, long end, StreamScan.Cursor cursor) {
        if (cursor == null) {
            return new StreamScan(WootricStream.END_USERS, "t", false, from, end, Long.MAX_VALUE, null, Set.of());
        }
        StreamScan.Cursor stored = StreamScan.Cursor.parse(cursor.format());
        boolean ahead = stored.second() > from;
        return new StreamScan(WootricStream.END_USERS, "t", false, ahead ? stored.second() : from, end, Long.MAX_VALUE, null,
                ahead ? stored.ids() : Set.of());
    }

    @Test
    void aRunCutOffAfterAnyPageAndResumedDeliversEveryRowOnce() {
        List<Row> table = endUsers();
        long from = JUNE;
        long end = JUNE + 400_000;
        int totalPages;
        {
            Map<Long, Integer> delivered = new HashMap<>();
            StreamScan whole = scan(from, end, null);
            totalPages = 0;
            while (whole.hasNext()) {
                run(whole, table, 1, delivered);
                totalPages++;
            }
            assertThat(delivered).hasSize(table.size()).allSatisfy((id, times) -> assertThat(times).isEqualTo(1));
        }
        for (int cut = 1; cut < totalPages; cut++) {
            for (int secondCut : new int[] {0, 1, 7}) {
                Map<Long, Integer> delivered = new HashMap<>();
                StreamScan.Cursor cursor = run(scan(from, end, null), table, cut, delivered);
                if (secondCut > 0) {
                    // cut off again soon after resuming
                    cursor = run(scan(from, end, cursor), table, secondCut, delivered);
                }
                run(scan(from, end, cursor), table, -1, delivered);
                String at = "cut after page " + cut + (secondCut > 0 ? " and again " + secondCut + " pages later" : "");
                assertThat(delivered).as(at).hasSize(table.size());
                assertThat(delivered.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
                        .as("ids delivered twice when " + at).isEmpty();
            }
        }
    }

    /**
     * The next run re-reads the margin before its bookmark: the rows a run cut off had written
     * before its cursor are in it too, and must not be written again after the resumed run ends.
     */
    @Test
    void theRunAfterAResumedOneDoesNotWriteAgainWhatTheCutOffRunWroteInTheMargin() {
        long end = JUNE + 1_000;
        long margin = 300;
        List<Row> table = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            table.add(new Row(i + 1, end - 200 + i / 2, end - 200 + i / 2));
        }
        Map<Long, Integer> delivered = new HashMap<>();
        StreamScan cutOff = scan(JUNE, end, null).remembering(end - margin);
        StreamScan.Cursor cursor = run(cutOff, table, 2, delivered);
        // what the cut-off run's last page commit kept, as WootricPull.commitPage does
        Set<String> kept = cutOff.recent();

        StreamScan resumed = scan(JUNE, end, cursor).alreadyWritten(kept).remembering(end - margin);
        run(resumed, table, -1, delivered);
        assertThat(delivered).hasSize(table.size());

        // the next run: from its bookmark (the resumed run's end) less the margin, past the versions the resumed run kept
        StreamScan next = new StreamScan(WootricStream.END_USERS, "t", false, end - margin, end + 60, Long.MAX_VALUE, null, Set.of())
                .alreadyWritten(resumed.recent()).remembering(end + 60 - margin);
        run(next, table, -1, delivered);
        assertThat(delivered.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
                .as("ids written again by the run after the resumed one").isEmpty();
    }
}
