package io.feedbackhub.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** How a run read from the cluster's shared run log shows: a RUNNING record whose member no longer runs it is interrupted. */
class RunReadBackTest {

    private static Run recorded(String member, Run.Status status) {
        return Run.restored("run-1", "wootric", RunMode.INCREMENTAL, "schedule", Instant.parse("2026-12-01T10:00:00Z"), member,
                status == Run.Status.RUNNING ? null : Instant.parse("2026-12-01T10:01:00Z"), status, 40, 2, null, List.of());
    }

    @Test
    void aRunningRecordOfAMemberThatIsGoneReadsAsFailedInterrupted() {
        // hub-1 died mid-run; hub-2 has taken wootric over
        Run run = RunLog.readBack(recorded("hub-1", Run.Status.RUNNING), "hub-3", Set.of(), Optional.of("hub-2"));
        assertThat(run.status()).isEqualTo(Run.Status.FAILED);
        assertThat(run.error()).startsWith(RunLog.INTERRUPTED).contains("hub-1");
        assertThat(run.id()).isEqualTo("run-1");
        assertThat(run.records()).isEqualTo(40);
        // while nobody leads it (being elected), no run of it goes on either
        assertThat(RunLog.readBack(recorded("hub-1", Run.Status.RUNNING), "hub-3", Set.of(), Optional.empty()).status())
                .isEqualTo(Run.Status.FAILED);
    }

    @Test
    void aRunningRecordOfTheConnectorsLeaderIsRunning() {
        assertThat(RunLog.readBack(recorded("hub-1", Run.Status.RUNNING), "hub-3", Set.of(), Optional.of("hub-1")).status())
                .isEqualTo(Run.Status.RUNNING);
    }

    @Test
    void thisMembersOwnRunningRecordIsRunningOnlyWhileTheRunIsInProgressHere() {
        assertThat(RunLog.readBack(recorded("hub-1", Run.Status.RUNNING), "hub-1", Set.of("run-1"), Optional.of("hub-1")).status())
                .isEqualTo(Run.Status.RUNNING);
        // hub-1 was killed and restarted under its id: it leads again, but that run is gone
        Run restarted = RunLog.readBack(recorded("hub-1", Run.Status.RUNNING), "hub-1", Set.of(), Optional.of("hub-1"));
        assertThat(restarted.status()).isEqualTo(Run.Status.FAILED);
        assertThat(restarted.error()).startsWith(RunLog.INTERRUPTED);
    }

    @Test
    void anEndedRunReadsAsRecordedWhoeverLeadsNow() {
        Run run = RunLog.readBack(recorded("hub-1", Run.Status.SUCCEEDED), "hub-3", Set.of(), Optional.of("hub-2"));
        assertThat(run.status()).isEqualTo(Run.Status.SUCCEEDED);
        assertThat(run.error()).isNull();
    }
}
