package io.feedbackhub.winningtemp;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultMessage;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.feedbackhub.core.catalog.Catalog;
import io.feedbackhub.core.run.ConnectorRuns;
import io.feedbackhub.core.run.Run;
import io.feedbackhub.core.state.SyncState;

/**
 * The steps of {@code routes/winningtemp.camel.yaml}: collects the files the run fetched, reads
 * and checks the whole snapshot (pass one), feeds the catalog (pass two), and makes the snapshot
 * the accepted one only when the run has succeeded. A rejected or held snapshot changes nothing.
 */
@ApplicationScoped
@Named("winningtempPickup")
public class WinningtempPickup implements AggregationStrategy {

    static final String CONNECTOR = "winningtemp";
    /** The run's time stamp, in archive/ and error/ names. */
    static final String STAMP = "winningtempStamp";
    static final String SNAPSHOT = "winningtempSnapshot";
    static final String CONFIRM_OPTION = "confirm-removals";
    private static final DateTimeFormatter STAMP_FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final Logger LOG = Logger.getLogger(WinningtempPickup.class);

    @Inject
    WinningtempConfig config;

    @Inject
    CamelContext camel;

    @Inject
    ObjectMapper json;

    @Inject
    ConnectorRuns runs;

    @Inject
    SyncState state;

    @Inject
    SnapshotStore store;

    @Inject
    WinningtempSftp sftp;

    @Inject
    WinningtempMoves moves;

    @Inject
    WinningtempReadLock readLock;

    /** What one run has picked up and found out. */
    static final class Snapshot {
        final List<PickedFile> files = new ArrayList<>();
        final SnapshotReport report = new SnapshotReport();
        final Map<Entity, String> hashes = new EnumMap<>(Entity.class);
        final List<SnapshotReader.Pass> passes = new ArrayList<>();
        SnapshotApply apply;
        boolean fromHeld;
        /** Why the run failed, as its doCatch caught it (a failing step inside the doCatch catches its own). */
        Exception failure;
        /** Where the report could not be written, and why. */
        final List<String> unwritten = new ArrayList<>();
        boolean notInFolder;
    }

    /** Lines of a report kept in the run's notes; the whole report is in {@link #REPORTS}. */
    static final int NOTE_LINES = 40;
    static final String REPORTS = "winningtemp_reports";

    private String lastStamp = "";

    public void begin(Exchange exchange) throws InterruptedException {
        exchange.setProperty(STAMP, nextStamp());
        exchange.setProperty(SNAPSHOT, new Snapshot());
        store.createDir();
        // files an earlier run gave up on were told to that run
        readLock.takeLeft();
        exchange.setProperty(WinningtempSftp.INBOX, sftp.inboxPath());
        moves.watch(exchange);
    }

    /**
     * A stamp no earlier run has used: archive/ and error/ names must not collide, since a move onto
     * an existing name replaces that file (runs are one at a time, so waiting out the second is enough).
     */
    private synchronized String nextStamp() throws InterruptedException {
        String stamp = STAMP_FORMAT.format(Instant.now());
        while (stamp.equals(lastStamp)) {
            Thread.sleep(50);
            stamp = STAMP_FORMAT.format(Instant.now());
        }
        lastStamp = stamp;
        return stamp;
    }

    /** pollEnrich's aggregation: the run's exchange stays as it is, and notes the fetched file and its move. */
    @Override
    public Exchange aggregate(Exchange run, Exchange polled) {
        if (polled != null) {
            String name = polled.getIn().getHeader(Exchange.FILE_NAME_ONLY, String.class);
            Path local = Path.of(polled.getIn().getHeader(Exchange.FILE_LOCAL_WORK_PATH, String.class));
            Long modified = polled.getIn().getHeader(Exchange.FILE_LAST_MODIFIED, Long.class);
            snapshot(run).files.add(new PickedFile(entityOf(name), name, local,
                    modified == null ? Instant.now() : Instant.ofEpochMilli(modified)));
            // the file's move goes with the run, but not when the hub's stop cuts the run short
            polled.getExchangeExtension().handoverCompletions()
                    .forEach(move -> run.getExchangeExtension().addOnCompletion(new LeftInInboxOnStop(move, camel, name)));
        }
        return run;
    }

    /**
     * Pass one: every file read and checked, and the diff counted. Throws {@link SnapshotRejected}
     * when the snapshot is bad or held by the removal guard.
     */
    public void check(Exchange exchange) throws IOException {
        Snapshot snapshot = snapshot(exchange);
        readLock.takeLeft().forEach(left -> runs.note(exchange, left));
        boolean confirm = config.confirmRemovals() || "true".equalsIgnoreCase(option(exchange, CONFIRM_OPTION));
        if (snapshot.files.isEmpty() && confirm) {
            for (Path held : store.heldFiles()) {
                snapshot.files.add(new PickedFile(entityOf(held.getFileName().toString()), held.getFileName().toString(), held,
                        Files.getLastModifiedTime(held).toInstant()));
                snapshot.fromHeld = true;
            }
        }
        if (snapshot.files.isEmpty()) {
            LOG.info("winningtemp: no complete snapshot file in the inbox");
            return;
        }
        snapshot.files.sort((a, b) -> a.entity().compareTo(b.entity()));
        for (PickedFile file : snapshot.files) {
            snapshot.hashes.put(file.entity(), sha256(file.local()));
        }
        if (snapshot.files.stream().allMatch(file -> snapshot.hashes.get(file.entity())
                .equals(state.get(CONNECTOR, file.entity().label(), "sha256").orElse(null)))) {
            LOG.infof("winningtemp: %s already applied (same content); archiving without changes", names(snapshot));
            return;
        }
        Run run = runs.runOf(exchange).orElseThrow(() -> new IllegalStateException("winningtemp runs only as a connector run"));
        run.onFailure(() -> snapshot.passes.forEach(pass -> {
            pass.accepted.close();
            store.discard(pass.next);
        }));
        readAll(snapshot, run.id());
        guard(snapshot, confirm);
        Map<Entity, String> times = new EnumMap<>(Entity.class);
        Map<Entity, String> transitions = new EnumMap<>(Entity.class);
        for (PickedFile file : snapshot.files) {
            times.put(file.entity(), file.modified().toString());
            String before = state.get(CONNECTOR, file.entity().label(), "sha256").orElse("none");
            transitions.put(file.entity(), before.substring(0, Math.min(12, before.length())) + "-"
                    + snapshot.hashes.get(file.entity()).substring(0, 12));
        }
        snapshot.apply = new SnapshotApply(json, snapshot.passes, times, transitions, run.id());
    }

    private void readAll(Snapshot snapshot, String runId) throws IOException {
        Set<String> groups = null;
        Set<String> segments = null;
        boolean quarantine = config.quarantineBadRows();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        for (PickedFile file : snapshot.files) {
            SnapshotIndex accepted = SnapshotIndex.load(store.accepted(file.entity()), json);
            SnapshotReader.Pass pass = new SnapshotReader.Pass(file.entity(), file.name(), store.next(file.entity(), runId), accepted);
            snapshot.passes.add(pass);
            if (file.entity() == Entity.USERS) {
                groups = groups != null ? groups : idsOf(snapshot, Entity.GROUPS);
                segments = segments != null ? segments : idsOf(snapshot, Entity.SEGMENTS);
            }
            SnapshotFile csv = new SnapshotFile(camel, file.entity(), config);
            SnapshotReader reader = new SnapshotReader(json, csv, new RowRules(file.entity(), config, today), snapshot.report,
                    quarantine, pass, groups, segments, config.statuses().get(0).trim());
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file.local()), 64 * 1024)) {
                reader.read(in);
            } catch (SnapshotRejected.Structural e) {
                snapshot.report.structural(file.name(), e.line, e.getMessage());
                break;
            }
            // every row dropped in quarantine is no snapshot either
            if (pass.rows == 0 && !snapshot.report.rejects(file.name(), true)) {
                snapshot.report.structural(file.name(), 0, "no row is usable (an empty snapshot would remove everyone)");
            }
        }
        checkAcceptedUsers(snapshot);
        for (PickedFile file : snapshot.files) {
            if (snapshot.report.rejects(file.name(), quarantine)) {
                throw new SnapshotRejected(snapshot.report.text("REJECTED: nothing was applied"));
            }
        }
    }

    /**
     * Groups or segments that came without a users file must not remove what the accepted users
     * still refer to (their references were checked when they came, against the groups of then).
     */
    private void checkAcceptedUsers(Snapshot snapshot) {
        if (snapshot.files.isEmpty() || snapshot.files.stream().anyMatch(file -> file.entity() == Entity.USERS)) {
            return;
        }
        SnapshotStore.Dangling dangling = store.danglingUsers(idsOf(snapshot, Entity.GROUPS), idsOf(snapshot, Entity.SEGMENTS), 20);
        if (dangling.count()[0] > 0) {
            PickedFile file = snapshot.files.get(0);
            snapshot.report.structural(file.name(), 0, dangling.count()[0] + " references of accepted users would be left dangling"
                    + " (" + String.join(", ", dangling.examples()) + (dangling.count()[0] > dangling.examples().size() ? ", ..." : "")
                    + "); drop a users file without them in the same run");
        }
    }

    /** Groups and segments the users may refer to: this run's, or the accepted ones when their file did not come. */
    private Set<String> idsOf(Snapshot snapshot, Entity entity) {
        return snapshot.passes.stream().filter(pass -> pass.entity == entity).findFirst()
                .map(pass -> pass.ids).orElseGet(() -> store.acceptedIds(entity));
    }

    private void guard(Snapshot snapshot, boolean confirm) {
        for (SnapshotReader.Pass pass : snapshot.passes) {
            long managed = pass.accepted.size();
            // a mass deactivation does as much harm as a mass removal
            long removed = pass.removed() + pass.deactivated;
            if (managed > 0 && removed * 100 > (long) config.maxRemovalPercent() * managed) {
                String figures = pass.entity.label() + ": " + removed + " of " + managed + " would be removed"
                        + (pass.deactivated > 0 ? " (" + pass.removed() + ") or deactivated (" + pass.deactivated + ")" : "")
                        + " (" + (removed * 100 / managed) + "%), more than hub.winningtemp.max-removal-percent=" + config.maxRemovalPercent();
                if (confirm) {
                    LOG.warnf("winningtemp: applying a confirmed mass removal, %s", figures);
                } else {
                    snapshot.report.hold(figures + "; to apply it, POST /hub/connectors/winningtemp/run?mode=full&confirm-removals=true"
                            + " or drop the files again with hub.winningtemp.confirm-removals=true");
                }
            }
        }
        if (snapshot.report.isHeld()) {
            store.hold(snapshot.files);
            throw new SnapshotRejected(snapshot.report.text("HELD by the mass-removal guard: nothing was applied"));
        }
    }

    public boolean hasNext(Exchange exchange) {
        SnapshotApply apply = snapshot(exchange).apply;
        return apply != null && apply.hasNext();
    }

    /** Pass two: the next catalog message. */
    public void nextBatch(Exchange exchange) {
        SnapshotApply.Batch batch = snapshot(exchange).apply.next();
        Message message = exchange.getMessage();
        message.setHeader(Catalog.TABLE, batch.table());
        // changes, like the tables, become visible only when the run commits
        message.setHeader(Catalog.TABLE_MODE, batch.replace() ? "replace" : "append-on-success");
        message.setHeader(Catalog.KEY_FIELD, "id");
        message.setBody(batch.records());
    }

    /** Once the catalog has it all: the snapshot becomes the accepted one when (and only if) the run succeeds. */
    public void accept(Exchange exchange) {
        Snapshot snapshot = snapshot(exchange);
        Run run = runs.runOf(exchange).orElseThrow();
        if (snapshot.apply == null) {
            return;
        }
        run.onSuccess(() -> {
            for (SnapshotReader.Pass pass : snapshot.passes) {
                pass.accepted.close();
                store.promote(pass.next, pass.entity);
                state.put(CONNECTOR, pass.entity.label(), "sha256", snapshot.hashes.get(pass.entity));
            }
            store.clearHeld();
            LOG.infof("winningtemp: snapshot %s applied: %s", names(snapshot), counts(snapshot));
        });
    }

    /** The first step of a failed run's doCatch: what failed, before any later step's failure takes its place. */
    public void failed(Exchange exchange) {
        snapshot(exchange).failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
    }

    /**
     * The run's report: why it failed (a rejected or held snapshot's problems, file by file), or
     * with quarantine-bad-rows the rows it dropped; null when there is nothing to report.
     */
    private static String reportText(Snapshot snapshot) {
        if (snapshot.files.isEmpty()) {
            return null;
        }
        if (snapshot.failure != null) {
            return snapshot.failure instanceof SnapshotRejected rejected ? rejected.getMessage()
                    : "winningtemp snapshot FAILED: the tables and the accepted snapshot are unchanged, no change was published"
                            + " (drop the files again to apply them)\n" + describe(snapshot.failure) + "\n";
        }
        boolean dropped = snapshot.files.stream().anyMatch(file -> snapshot.report.hasProblems(file.name()));
        return dropped ? snapshot.report.text("APPLIED without its quarantined rows") : null;
    }

    public boolean hasReport(Exchange exchange) {
        return reportText(snapshot(exchange)) != null;
    }

    /**
     * The report into the hub itself, whatever becomes of the files: its first lines as a note of
     * the run, the whole of it as a record of {@value #REPORTS} (appended at once, so a failed run
     * keeps it too; id: the run's id).
     */
    public void reportRecord(Exchange exchange) {
        Snapshot snapshot = snapshot(exchange);
        String text = reportText(snapshot);
        String runId = exchange.getProperty(ConnectorRuns.RUN_ID, String.class);
        List<String> lines = text.lines().toList();
        runs.note(exchange, "report: " + String.join("\n", lines.subList(0, Math.min(NOTE_LINES, lines.size())))
                + (lines.size() > NOTE_LINES ? "\n... " + (lines.size() - NOTE_LINES) + " more lines in " + REPORTS + " (id " + runId + ")" : ""));
        Map<String, Object> record = new java.util.LinkedHashMap<>();
        record.put("id", runId);
        record.put("run_id", runId);
        record.put("stamp", exchange.getProperty(STAMP));
        record.put("files", snapshot.files.stream().map(PickedFile::name).toList());
        record.put("verdict", lines.get(0).replace("winningtemp snapshot ", ""));
        record.put("report", text);
        Message message = exchange.getMessage();
        message.setHeader(Catalog.TABLE, REPORTS);
        message.setHeader(Catalog.TABLE_MODE, "append");
        message.setHeader(Catalog.KEY_FIELD, "id");
        message.setBody(record);
    }

    /** The report could not go into {@value #REPORTS}: said in the run's result, the run goes on. */
    public void reportNotInCatalog(Exchange exchange) {
        notWritten(exchange, REPORTS);
    }

    /** The report could not be written beside the files (error/ or archive/): said in the run's result, the run goes on. */
    public void reportNotInFolder(Exchange exchange) {
        snapshot(exchange).notInFolder = true;
        notWritten(exchange, snapshot(exchange).failure != null ? WinningtempSftp.ERROR + "/" : WinningtempSftp.ARCHIVE + "/");
    }

    private void notWritten(Exchange exchange, String where) {
        Exception why = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String note = "the report could not be written to " + where + ": " + describe(why);
        snapshot(exchange).unwritten.add(note);
        runs.note(exchange, note);
    }

    /** The report beside each file, for error/ (a failed run) or archive/ (quarantined rows). */
    public List<Message> reports(Exchange exchange) {
        Snapshot snapshot = snapshot(exchange);
        String text = reportText(snapshot);
        List<Message> reports = new ArrayList<>();
        if (text == null || snapshot.fromHeld) {
            return reports;
        }
        for (PickedFile file : snapshot.files) {
            Message report = new DefaultMessage(exchange);
            report.setHeader(Exchange.FILE_NAME, exchange.getProperty(STAMP) + "-" + file.name() + ".report.txt");
            report.setBody(text);
            reports.add(report);
        }
        return reports;
    }

    /**
     * Ends a failed run with a short error that says where its report is: the report, which may
     * quote personal data, is in the run's notes, {@value #REPORTS} and error/, not in the error.
     */
    public void fail(Exchange exchange) throws Exception {
        Snapshot snapshot = snapshot(exchange);
        Exception failure = snapshot.failure;
        if (failure instanceof SnapshotRejected) {
            boolean inFolder = !snapshot.fromHeld && !snapshot.notInFolder;
            String verdict = failure.getMessage().lines().findFirst().orElse("").replace("winningtemp snapshot ", "");
            throw new SnapshotRejected("snapshot " + names(snapshot) + " " + verdict + (snapshot.fromHeld ? " (held files)" : "")
                    + "; report in the run's notes, " + REPORTS + (inFolder ? " and error/" + exchange.getProperty(STAMP) + "-<file>.report.txt" : "")
                    + snapshot.unwritten.stream().map(note -> "; " + note).collect(java.util.stream.Collectors.joining()));
        }
        throw failure != null ? failure : new IllegalStateException("winningtemp run failed");
    }

    private static String describe(Exception failure) {
        return failure == null ? "unknown error" : failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }

    private static String names(Snapshot snapshot) {
        return String.join(", ", snapshot.files.stream().map(PickedFile::name).toList());
    }

    private static String counts(Snapshot snapshot) {
        return String.join("; ", snapshot.passes.stream().map(pass -> pass.entity.label() + " " + pass.rows + " rows, "
                + pass.created + " created, " + pass.updated + " updated, " + pass.removed() + " removed").toList());
    }

    private Entity entityOf(String name) {
        for (Entity entity : Entity.values()) {
            if (entity.fileName(config).equals(name)) {
                return entity;
            }
        }
        throw new IllegalStateException("winningtemp: '" + name + "' is none of the configured snapshot file names");
    }

    private static String option(Exchange exchange, String name) {
        Map<?, ?> options = exchange.getProperty(ConnectorRuns.OPTIONS, Map.class);
        Object value = options == null ? null : options.get(name);
        return value == null ? null : value.toString();
    }

    private static Snapshot snapshot(Exchange exchange) {
        return exchange.getProperty(SNAPSHOT, Snapshot.class);
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(new BufferedInputStream(Files.newInputStream(file)), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
