package io.feedbackhub.core.run;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** One scheduled or manual run of a connector, as the run log and the management API show it. */
public final class Run {

    public enum Status {
        RUNNING, SUCCEEDED, FAILED
    }

    private final String id;
    private final String connector;
    private final RunMode mode;
    private final String trigger;
    private final Instant startedAt;
    /** The cluster member that runs it ({@code hub.cluster.member-id}); null outside a cluster. */
    private final String member;
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final List<Runnable> beforeSuccess = new ArrayList<>();
    private final List<Runnable> onSuccess = new ArrayList<>();
    private final List<Runnable> onFailure = new ArrayList<>();
    private final java.util.Set<String> replacing = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final List<String> notes = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The streams whose bookmarks the run committed (for their last-success metric). */
    private final Set<String> streams = ConcurrentHashMap.newKeySet();
    private volatile Instant finishedAt;
    private volatile Status status = Status.RUNNING;
    private volatile String error;
    /** Records written by table (dead-letter tables included). */
    private final Map<String, AtomicLong> tables = new ConcurrentHashMap<>();
    /** The causes below the error, outermost first, as {@code Type: message}. */
    private volatile List<String> causes = List.of();
    /** Why the run was held (the mass-removal guard), if it was. */
    private volatile String held;

    /** Tables whose records are dead letters: what could not be taken, with the cause. */
    public static final String DEAD_LETTER_SUFFIX = "_dead_letters";

    Run(String id, String connector, RunMode mode, String trigger, Instant startedAt, String member) {
        this.id = id;
        this.connector = connector;
        this.mode = mode;
        this.trigger = trigger;
        this.startedAt = startedAt;
        this.member = member;
    }

    /** A run read back from the run log. */
    static Run restored(String id, String connector, RunMode mode, String trigger, Instant startedAt, String member,
            Instant finishedAt, Status status, long records, long requests, String error, List<String> notes) {
        Run run = new Run(id, connector, mode, trigger, startedAt, member);
        run.notes.addAll(notes);
        run.finishedAt = finishedAt;
        run.status = status;
        run.records.set(records);
        run.requests.set(requests);
        run.error = error;
        return run;
    }

    /**
     * A check done when the run has succeeded, before any of its success actions: one that throws
     * fails the run with nothing of its deferred work done (the removal guard).
     */
    public synchronized void checkBeforeSuccess(Runnable check) {
        beforeSuccess.add(check);
    }

    /** Work that must happen only once the run has succeeded: table swaps, then bookmarks. */
    public synchronized void onSuccess(Runnable action) {
        onSuccess.add(action);
    }

    /** Clean-up for a failed run, such as dropping a half-written table. */
    public synchronized void onFailure(Runnable action) {
        onFailure.add(action);
    }

    /** The run writes a replacement copy of this table: bookmarks that follow it must wait for the swap. */
    public void markReplacing(String table) {
        replacing.add(table);
    }

    /** Whether a bookmark following records of this table (null: of an unknown table) must wait for the run's end. */
    public boolean replacing(String table) {
        return table == null ? !replacing.isEmpty() : replacing.contains(table);
    }

    /** The checks and then the success actions not done yet; taking them means doing them, in order. */
    synchronized List<Runnable> takeSuccessActions() {
        List<Runnable> actions = new ArrayList<>(beforeSuccess);
        actions.addAll(onSuccess);
        beforeSuccess.clear();
        onSuccess.clear();
        return actions;
    }

    synchronized List<Runnable> failureActions() {
        return List.copyOf(onFailure);
    }

    void finish(Status outcome, String failure, List<String> failureCauses, Instant at) {
        this.error = failure;
        this.causes = List.copyOf(failureCauses);
        this.finishedAt = at;
        this.status = outcome;
    }

    /**
     * Something the operator should read in the run's result although the run did not fail for it:
     * files left for a later run, a move that did not happen, a held removal.
     */
    public void note(String note) {
        notes.add(note);
    }

    public List<String> notes() {
        return List.copyOf(notes);
    }

    /** The run committed a bookmark of this stream. */
    public void advanced(String stream) {
        streams.add(stream);
    }

    public Set<String> streams() {
        return Set.copyOf(streams);
    }

    /** Records written to a table; those of a {@code *_dead_letters} table are the run's dead letters. */
    public void countRecords(String table, long n) {
        records.addAndGet(n);
        tables.computeIfAbsent(table, t -> new AtomicLong()).addAndGet(n);
    }

    /** Records written by table, in table order. */
    public Map<String, Long> tables() {
        Map<String, Long> copy = new TreeMap<>();
        tables.forEach((table, n) -> copy.put(table, n.get()));
        return copy;
    }

    /** The run's dead letters by table. */
    public Map<String, Long> deadLetters() {
        Map<String, Long> dead = tables();
        dead.keySet().removeIf(table -> !table.endsWith(DEAD_LETTER_SUFFIX));
        return dead;
    }

    /** The run is held (it fails with nothing applied) for this reason: the mass-removal guard. */
    public void hold(String reason) {
        held = reason;
    }

    public String held() {
        return held;
    }

    public List<String> causes() {
        return causes;
    }

    /** What a run log record adds to {@link #restored}: records by table, causes, held reason. */
    void restoreDetails(Map<String, Long> byTable, List<String> errorCauses, String heldReason) {
        byTable.forEach((table, n) -> tables.put(table, new AtomicLong(n)));
        causes = List.copyOf(errorCauses);
        held = heldReason;
    }

    public void countRequests(long n) {
        requests.addAndGet(n);
    }

    public String id() {
        return id;
    }

    public String connector() {
        return connector;
    }

    public RunMode mode() {
        return mode;
    }

    public String trigger() {
        return trigger;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public String member() {
        return member;
    }

    public Instant finishedAt() {
        return finishedAt;
    }

    public Status status() {
        return status;
    }

    public long records() {
        return records.get();
    }

    public long requests() {
        return requests.get();
    }

    public String error() {
        return error;
    }
}
