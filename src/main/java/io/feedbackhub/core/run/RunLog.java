package io.feedbackhub.core.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import org.apache.camel.CamelContext;
import org.apache.camel.quarkus.main.events.AfterConfigure;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.feedbackhub.core.cluster.HubCluster;
import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.core.config.SecretMasker;
import io.feedbackhub.core.files.DurableFiles;
import io.feedbackhub.core.metrics.RunMetrics;
import io.feedbackhub.core.state.KafkaStateRepository;
import io.quarkus.runtime.Startup;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Records every run's start and end as JSON Lines in {@code ${hub.data-dir}/runs/runs.jsonl}, so the
 * last run of each connector survives a restart, and counts runs, records and requests in metrics.
 * A run that started but never ended (the hub was killed) reads back as FAILED.
 *
 * <p>In a cluster ({@code hub.cluster.enabled}) each start and end also goes to the compacted topic
 * {@code <hub.catalog.topic-prefix>runs}, keyed by connector, through Camel's state repository API
 * ({@link KafkaStateRepository}), and {@link #last} reads it there: every member shows a
 * connector's last run whichever member ran it. The file stays this member's own record of its runs.
 */
@ApplicationScoped
@Startup
public class RunLog {

    private static final Logger LOG = Logger.getLogger(RunLog.class);
    /** History kept: the run log is cut back to this many lines when it has twice as many. */
    static final int KEEP_LINES = 1000;
    public static final String INTERRUPTED = "interrupted: the hub stopped during the run";
    /** After a failed read of the shared log, how long {@link #last} answers from this member's runs without trying again. */
    private static final long READ_AGAIN_AFTER_NANOS = TimeUnit.SECONDS.toNanos(30);

    @Inject
    HubConfig config;

    @Inject
    HubCluster cluster;

    @Inject
    CamelContext camel;

    @Inject
    MeterRegistry metrics;

    @Inject
    ObjectMapper json;

    @Inject
    SecretMasker secrets;

    @Inject
    RunMetrics runMetrics;

    /** This member's last run of each connector. */
    private final Map<String, Run> last = new ConcurrentHashMap<>();
    /** The ids of the runs in progress on this member. */
    private final Set<String> inProgress = ConcurrentHashMap.newKeySet();
    private Path file;
    private int lines;
    /** In a cluster, the last run of each connector whichever member ran it; null otherwise. */
    private volatile KafkaStateRepository shared;
    private volatile String self;
    /** When a read of the shared log last failed ({@link System#nanoTime}), if one has. */
    private volatile boolean sharedReadFailed;
    private volatile long sharedReadFailedAt;

    @PostConstruct
    void load() {
        file = config.dataDir().resolve("runs").resolve("runs.jsonl");
        try {
            Files.createDirectories(file.getParent());
            if (Files.exists(file)) {
                List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (String line : all) {
                    // none of them is in progress: this member starts
                    parse(line).map(run -> run.status() == Run.Status.RUNNING ? interrupted(run, INTERRUPTED) : run)
                            .ifPresent(run -> {
                                last.put(run.connector(), run);
                                if (run.status() == Run.Status.SUCCEEDED && run.finishedAt() != null) {
                                    runMetrics.succeeded(run.connector(), run.finishedAt());
                                }
                            });
                }
                lines = all.size();
                compactIfLong(all);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the run log " + file, e);
        }
    }

    /**
     * In a cluster: the shared log, on the topic {@link #topic}, created at start with
     * {@code hub.kafka.replication-factor}; compaction only, so a connector's last run is kept
     * however long ago it was. After the cluster service (it knows this member's id).
     */
    void share(@Observes @Priority(Interceptor.Priority.APPLICATION + 910) AfterConfigure configured) {
        if (!config.cluster().enabled()) {
            return;
        }
        String brokers = config.kafka().brokers().orElseThrow();
        KafkaStateRepository repository = KafkaStateRepository.of(camel, brokers, topic(config), config.kafka().replicationFactor(),
                Optional.empty(), value -> true);
        repository.createTopic();
        repository.start();
        self = cluster.self().orElseThrow();
        shared = repository;
    }

    /** The compacted topic a cluster keeps its connectors' last runs in. */
    public static String topic(HubConfig config) {
        return config.catalog().topicPrefix() + "runs";
    }

    @PreDestroy
    void close() {
        // a run that ends after this is not shared: the others read it as interrupted (see readBack)
        KafkaStateRepository repository = shared;
        shared = null;
        if (repository != null) {
            repository.stop();
        }
    }

    public Optional<Run> last(String connector) {
        Optional<Run> mine = Optional.ofNullable(last.get(connector));
        KafkaStateRepository repository = shared;
        if (repository == null || (sharedReadFailed && System.nanoTime() - sharedReadFailedAt < READ_AGAIN_AFTER_NANOS)) {
            return mine;
        }
        Optional<Run> any;
        try {
            any = Optional.ofNullable(repository.getState(connector)).flatMap(this::parse)
                    .map(run -> readBack(run, self, inProgress, cluster.leaderOf(connector)));
        } catch (RuntimeException e) {
            // a management request must not wait for Kafka connector by connector: for a while, this member's runs only
            sharedReadFailedAt = System.nanoTime();
            sharedReadFailed = true;
            LOG.warnf("cannot read the shared run log %s, showing this member's runs for 30 s: %s", topic(config), e.getMessage());
            return mine;
        }
        // this member's own run, when it is as new: its latest record may not have reached the topic (Kafka was away)
        if (mine.isPresent() && (any.isEmpty() || !mine.get().startedAt().isBefore(any.get().startedAt()))) {
            return mine;
        }
        return any;
    }

    /**
     * How a RUNNING record of the shared log reads. A run goes on only on its member while that
     * member leads the connector: a run is claimed on the leader only, and the member that takes a
     * connector over fences the transactions of the one before, so nothing of a deposed leader's
     * run commits after. So it is running if it is this member's and in progress here, or another
     * member's that leads the connector as this member last saw the group; otherwise its member
     * died, restarted or lost the connector during the run, and it reads as FAILED, interrupted.
     * Whether a member leads is known from the group, not from the record, so it needs no clock and
     * holds as soon as the group has moved on. (A new leader's run may read interrupted on the
     * other members for the 2 s until they see it lead.)
     */
    static Run readBack(Run run, String self, Set<String> inProgressHere, Optional<String> leader) {
        if (run.status() != Run.Status.RUNNING) {
            return run;
        }
        boolean running = run.member() != null
                && (run.member().equals(self) ? inProgressHere.contains(run.id()) : leader.filter(run.member()::equals).isPresent());
        return running ? run : interrupted(run, INTERRUPTED + " (member " + run.member() + " no longer runs " + run.connector() + ")");
    }

    private static Run interrupted(Run run, String error) {
        Run interrupted = Run.restored(run.id(), run.connector(), run.mode(), run.trigger(), run.startedAt(), run.member(), run.finishedAt(),
                Run.Status.FAILED, run.records(), run.requests(), error, run.notes());
        interrupted.restoreDetails(run.tables(), run.causes(), run.held());
        return interrupted;
    }

    /**
     * The connector's runs, newest first, at most {@code limit}: this member's, from its run log
     * file (the last {@link #KEEP_LINES} records at least), and in a cluster also the connector's
     * last run on the shared log when another member ran it.
     */
    public List<Run> history(String connector, int limit) {
        List<Run> runs = new ArrayList<>(mine().values());
        runs.removeIf(run -> !run.connector().equals(connector));
        last(connector).ifPresent(shared -> {
            runs.removeIf(run -> run.id().equals(shared.id()));
            runs.add(shared);
        });
        runs.sort(Comparator.comparing(Run::startedAt).reversed());
        return runs.subList(0, Math.min(limit, runs.size()));
    }

    /** A run by its id: of this member's run log, or in a cluster the last run of a connector on the shared log. */
    public Optional<Run> find(String id, List<String> connectors) {
        Run mine = mine().get(id);
        if (mine != null) {
            return Optional.of(mine);
        }
        return connectors.stream().map(this::last).flatMap(Optional::stream).filter(run -> run.id().equals(id)).findFirst();
    }

    /** This member's runs by id, from its run log file: a run's last record, RUNNING only while it goes on here. */
    private Map<String, Run> mine() {
        List<String> all;
        synchronized (this) {
            try {
                all = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the run log " + file, e);
            }
        }
        Map<String, Run> runs = new LinkedHashMap<>();
        for (String line : all) {
            parse(line).ifPresent(run -> runs.put(run.id(), run));
        }
        runs.replaceAll((id, run) -> run.status() == Run.Status.RUNNING && !inProgress.contains(id) ? interrupted(run, INTERRUPTED) : run);
        // a run in progress shows its counts so far
        last.values().stream().filter(run -> runs.containsKey(run.id()) && inProgress.contains(run.id())).forEach(run -> runs.put(run.id(), run));
        return runs;
    }

    void started(Run run) {
        last.put(run.connector(), run);
        inProgress.add(run.id());
        append(run);
        publish(run);
    }

    void finished(Run run) {
        inProgress.remove(run.id());
        append(run);
        publish(run);
        String connector = run.connector();
        Counter.builder("hub.connector.runs").description("Connector runs by outcome")
                .tag("connector", connector).tag("mode", run.mode().label()).tag("status", run.status().name())
                .register(metrics).increment();
        Counter.builder("hub.connector.records").description("Records written to the catalog by connector runs")
                .tag("connector", connector).register(metrics).increment(run.records());
        Counter.builder("hub.connector.requests").description("Requests made to outside systems by connector runs")
                .tag("connector", connector).register(metrics).increment(run.requests());
        runMetrics.finished(connector, run.mode().label(), run.status().name(), run.startedAt(), run.finishedAt(), run.streams(),
                run.status() == Run.Status.SUCCEEDED);
        if (run.status() == Run.Status.FAILED) {
            LOG.warnf("run %s of %s (%s) failed: %s", run.id(), connector, run.mode().label(), secrets.mask(run.error()));
        } else {
            LOG.infof("run %s of %s (%s) succeeded: %d records, %d requests", run.id(), connector,
                    run.mode().label(), run.records(), run.requests());
        }
        for (String note : run.notes()) {
            // only a note's first line: the lines below it (a report's rows) may quote personal data,
            // which the management API shows but the log must not keep
            List<String> lines = note.lines().toList();
            LOG.warnf("run %s of %s: %s%s", run.id(), connector, secrets.mask(lines.isEmpty() ? "" : lines.get(0)),
                    lines.size() > 1 ? " (" + (lines.size() - 1) + (lines.size() == 2 ? " more line" : " more lines") + " in the run's notes, /hub/connectors/"
                            + connector + ")" : "");
        }
    }

    /** The JSON shape of a run, as the management API shows it. */
    public Map<String, Object> view(Run run) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", run.id());
        view.put("mode", run.mode().label());
        view.put("trigger", run.trigger());
        view.put("startedAt", run.startedAt().toString());
        view.put("finishedAt", run.finishedAt() == null ? null : run.finishedAt().toString());
        view.put("status", run.status().name());
        view.put("records", run.records());
        view.put("requests", run.requests());
        view.put("error", run.error() == null ? null : secrets.mask(run.error()));
        view.put("causes", run.causes().stream().map(secrets::mask).toList());
        view.put("held", run.held() == null ? null : secrets.mask(run.held()));
        view.put("tables", run.tables());
        view.put("deadLetters", run.deadLetters());
        view.put("notes", run.notes().stream().map(secrets::mask).toList());
        if (run.member() != null) {
            view.put("member", run.member());
        }
        return view;
    }

    /** A run as the file and the shared log keep it: its view, and its connector. */
    private String record(Run run) throws JsonProcessingException {
        Map<String, Object> record = view(run);
        record.put("connector", run.connector());
        return json.writeValueAsString(record);
    }

    private synchronized void append(Run run) {
        try {
            DurableFiles.appendWhole(file, (record(run) + "\n").getBytes(StandardCharsets.UTF_8));
            if (++lines > 2 * KEEP_LINES) {
                compactIfLong(Files.readAllLines(file, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the run itself is not at stake: its records and bookmarks are already safe
            LOG.warnf("cannot append to the run log %s: %s", file, e.getMessage());
        }
    }

    /** In a cluster, writes the run as its connector's last run on the shared log. */
    private void publish(Run run) {
        KafkaStateRepository repository = shared;
        if (repository == null) {
            return;
        }
        try {
            if (run.status() != Run.Status.RUNNING) {
                // a deposed leader that ends its run after the next leader started one leaves that one's record
                Optional<Run> current = Optional.ofNullable(repository.getState(run.connector())).flatMap(this::parse);
                if (current.filter(other -> !other.id().equals(run.id()) && other.startedAt().isAfter(run.startedAt())).isPresent()) {
                    LOG.infof("run %s of %s ended after run %s started: the shared run log keeps that one", run.id(),
                            run.connector(), current.get().id());
                    return;
                }
            }
            repository.setState(run.connector(), record(run));
        } catch (IOException | RuntimeException e) {
            // as for the file: the run is not at stake, and this member still shows it (see last)
            LOG.warnf("cannot write run %s of %s to the shared run log %s: %s", run.id(), run.connector(), topic(config),
                    secrets.mask(e.getMessage()));
        }
    }

    /** Keeps the newest {@link #KEEP_LINES} lines once the log has twice as many. */
    private void compactIfLong(List<String> all) throws IOException {
        if (all.size() <= 2 * KEEP_LINES) {
            return;
        }
        List<String> keep = all.subList(all.size() - KEEP_LINES, all.size());
        DurableFiles.writeAside(file.resolveSibling(file.getFileName() + ".tmp"), file,
                (String.join("\n", keep) + "\n").getBytes(StandardCharsets.UTF_8));
        DurableFiles.forceDirectory(file.getParent());
        lines = keep.size();
    }

    /** A run as it was recorded (RUNNING included). */
    private Optional<Run> parse(String line) {
        if (line.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode n = json.readTree(line);
            Run.Status status = Run.Status.valueOf(n.path("status").asText());
            Instant finished = n.path("finishedAt").isTextual() ? Instant.parse(n.path("finishedAt").asText()) : null;
            String error = n.path("error").isTextual() ? n.path("error").asText() : null;
            List<String> notes = new java.util.ArrayList<>();
            n.path("notes").forEach(note -> notes.add(note.asText()));
            List<String> causes = new ArrayList<>();
            n.path("causes").forEach(cause -> causes.add(cause.asText()));
            Map<String, Long> tables = new LinkedHashMap<>();
            n.path("tables").fields().forEachRemaining(table -> tables.put(table.getKey(), table.getValue().asLong()));
            String held = n.path("held").isTextual() ? n.path("held").asText() : null;
            return Optional.of(Run.restored(n.path("id").asText(), n.path("connector").asText(),
                    RunMode.parse(n.path("mode").asText()).orElse(RunMode.INCREMENTAL), n.path("trigger").asText(),
                    Instant.parse(n.path("startedAt").asText()), n.path("member").isTextual() ? n.path("member").asText() : null,
                    finished, status,
                    n.path("records").asLong(), n.path("requests").asLong(), error, notes))
                    .map(run -> {
                        run.restoreDetails(tables, causes, held);
                        return run;
                    });
        } catch (IOException | RuntimeException e) {
            // a torn last line after a kill -9 is expected; skip it rather than refuse to start
            LOG.debugf("skipping an unreadable run log record: %s", e.getMessage());
            return Optional.empty();
        }
    }
}
