package io.feedbackhub.wootric;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The paging rules on their own, fed page by page. */
class StreamScanTest {

    static ObjectNode row(long id, long created, long updated) {
        return JsonNodeFactory.instance.objectNode().put("id", id)
                .put("created_at", Instant.ofEpochSecond(created).toString())
                .put("updated_at", Instant.ofEpochSecond(updated).toString());
    }

    static List<ObjectNode> page(long firstId, int size, long created, long updated) {
        List<ObjectNode> rows = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            rows.add(row(firstId + i, created, updated));
        }
        return rows;
    }

    @Test
    void firstRequestAsksForAnInclusiveWindowSortedAscending() {
        StreamScan scan = new StreamScan(WootricStream.END_USERS, "t", false, 1000, 2000, Long.MAX_VALUE, null, Set.of());
        assertThat(scan.nextRequest().queryString()).isEqualTo(
                "updated%5Bgte%5D=1000&updated%5Blt%5D=2000&sort_key=updated_at&sort_order=asc&per_page=50&page=1");
        assertThat(scan.accept(page(1, 10, 1000, 1500))).hasSize(10);
        assertThat(scan.hasNext()).isFalse();
        assertThat(scan.cursor().second()).isEqualTo(2000);
    }

    static List<ObjectNode> spread(long firstId, long firstSecond) {
        List<ObjectNode> rows = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            rows.add(row(firstId + i, firstSecond + i, firstSecond + i));
        }
        return rows;
    }

    @Test
    void aFullPageGoesOnFromItsLastSecondAndDropsWhatWasSeen() {
        StreamScan scan = new StreamScan(WootricStream.RESPONSES, "t", false, 1000, 9000, Long.MAX_VALUE, null, Set.of());
        assertThat(scan.accept(spread(1, 1000))).hasSize(50);
        assertThat(scan.nextRequest().query()).containsEntry("created[gte]", "1049").containsEntry("page", "1");
        assertThat(scan.cursor().second()).isEqualTo(1049);
        assertThat(scan.cursor().ids()).containsExactly(50L);
        // the next answer starts with the last row again: dropped
        List<ObjectNode> next = spread(50, 1049);
        assertThat(scan.accept(next)).hasSize(49);
        assertThat(scan.accept(List.of(row(99, 1098, 1098), row(100, 1200, 1200)))).extracting(r -> r.path("id").asLong())
                .containsExactly(100L);
        assertThat(scan.hasNext()).isFalse();
    }

    @Test
    void aRowLeavingTheWindowDuringTheRunMakesNoOtherRowBeSkipped() {
        StreamScan scan = new StreamScan(WootricStream.END_USERS, "t", false, 1000, 9000, Long.MAX_VALUE, null, Set.of());
        scan.accept(spread(1, 1000));
        // row 10 was updated meanwhile and left the window; the next filter starts at row 50's second anyway
        assertThat(scan.nextRequest().query()).containsEntry("updated[gte]", "1049").containsEntry("page", "1");
    }

    @Test
    void moreResponsesInOneSecondThanTheApiCanPageAreReadPerEndUser() {
        StreamScan scan = new StreamScan(WootricStream.RESPONSES, "t", false, 1000, 9000, Long.MAX_VALUE, null, Set.of());
        for (int p = 1; p <= 30; p++) {
            scan.accept(page(p * 100L, 50, 1000, 1000));
        }
        // every end user that existed by then is listed, 50 at a time by created_at
        assertThat(scan.nextRequest().path()).isEqualTo("/end_users");
        assertThat(scan.nextRequest().query()).containsEntry("created[gte]", "0").containsEntry("created[lt]", "1001");
        List<ObjectNode> users = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            users.add(row(70_000 + i, 10 + i, 10 + i));
        }
        assertThat(scan.accept(users)).isEmpty();
        assertThat(scan.nextRequest().query()).containsEntry("created[gte]", "59").containsEntry("page", "1");
        assertThat(scan.accept(List.of(users.get(49), row(80_000, 900, 900)))).isEmpty();
        // then each one's rows of that second; those already read are dropped
        for (int i = 0; i < 50; i++) {
            assertThat(scan.nextRequest().path()).isEqualTo("/end_users/" + (70_000 + i) + "/responses");
            assertThat(scan.nextRequest().query()).containsEntry("created[gte]", "1000").containsEntry("created[lt]", "1001");
            assertThat(scan.accept(i == 7 ? List.of(row(100, 1000, 1000), row(90_000, 1000, 1000), row(90_001, 999, 999)) : List.of()))
                    .extracting(r -> r.path("id").asLong()).containsExactlyElementsOf(i == 7 ? List.of(90_000L) : List.of());
            assertThat(scan.cursor().second()).isEqualTo(1000);
        }
        assertThat(scan.nextRequest().path()).isEqualTo("/end_users/80000/responses");
        scan.accept(List.of());
        // the second is complete: the window goes on after it
        assertThat(scan.nextRequest().query()).containsEntry("created[gte]", "1001");
        assertThat(scan.cursor().second()).isEqualTo(1001);
    }

    @Test
    void aFullPageOfEndUsersInOneLaterSecondSplitsThatSecondAtOnce() {
        StreamScan scan = new StreamScan(WootricStream.END_USERS, "t", false, 1000, 9000, Long.MAX_VALUE, null, Set.of());
        scan.accept(page(1, 50, 500, 2000));
        assertThat(scan.nextRequest().query()).containsEntry("updated[gte]", "2000").containsEntry("updated[lt]", "2001")
                .containsEntry("created[gte]", "0").containsEntry("page", "1");
        assertThat(scan.cursor().second()).isEqualTo(2000);
        // a full page inside the split: the cursor knows its ids, so a resumed run does not repeat them
        List<ObjectNode> inside = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            inside.add(row(100 + i, 500 + i, 2000));
        }
        scan.accept(inside);
        assertThat(scan.cursor().second()).isEqualTo(2000);
        assertThat(scan.cursor().ids()).contains(100L, 149L);
        // the split reads the second whole; the window goes on after it
        scan.accept(page(1, 30, 500, 2000));
        assertThat(scan.nextRequest().query()).containsEntry("updated[gte]", "2001").containsEntry("page", "1");
    }

    @Test
    void aCrowdedEndUserSecondIsSplitByCreated() {
        StreamScan scan = new StreamScan(WootricStream.END_USERS, "t", false, 1000, 9000, Long.MAX_VALUE, null, Set.of());
        for (int p = 1; p <= 30; p++) {
            scan.accept(page(p * 100L, 50, 500 + p, 1000));
        }
        assertThat(scan.nextRequest().query()).containsEntry("updated[gte]", "1000").containsEntry("updated[lt]", "1001")
                .containsEntry("created[gte]", "0").containsEntry("sort_key", "created_at");
    }

    @Test
    void aResumedScanSkipsTheIdsItsCursorRemembers() {
        StreamScan scan = new StreamScan(WootricStream.END_USERS, "t", false, 1000, 9000, Long.MAX_VALUE, null, Set.of(1L, 2L));
        assertThat(scan.accept(page(1, 4, 1000, 1000))).extracting(r -> r.path("id").asLong()).containsExactly(3L, 4L);
    }

    @Test
    void aRememberedIdUpdatedSinceIsDeliveredAgain() {
        StreamScan scan = new StreamScan(WootricStream.END_USERS, "t", false, 1000, 9000, Long.MAX_VALUE, null, Set.of(7L));
        assertThat(scan.accept(List.of(row(8, 900, 1000), row(7, 900, 1500)))).extracting(r -> r.path("id").asLong())
                .containsExactly(8L, 7L);
    }

    @Test
    void lookBackRowsAreKeptOnlyWhenChanged() {
        StreamScan scan = new StreamScan(WootricStream.RESPONSES, "t", false, 1000, 9000, Long.MAX_VALUE, 5000L, Set.of());
        List<ObjectNode> rows = List.of(row(1, 1000, 1000), row(2, 1100, 5000), row(3, 5001, 5001));
        assertThat(scan.accept(rows)).extracting(r -> r.path("id").asLong()).containsExactly(2L, 3L);
    }

    @Test
    void cursorsSurviveTheirTextForm() {
        StreamScan.Cursor cursor = new StreamScan.Cursor(1234, Set.of(9L, 7L));
        assertThat(cursor.format()).isEqualTo("1234:7,9");
        assertThat(StreamScan.Cursor.parse(cursor.format())).isEqualTo(cursor);
        assertThat(StreamScan.Cursor.parse("99")).isEqualTo(new StreamScan.Cursor(99, Set.of()));
    }
}
