package io.feedbackhub.core.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.feedbackhub.core.config.SecretMasker;
import io.feedbackhub.core.files.DurableFiles;
import io.quarkus.runtime.Startup;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Records every run's start and end as JSON Lines in {@code ${hub.data-dir}/runs/runs.jsonl}, so the
 * last run of each connector survives a restart, and counts runs, records and requests in metrics.
 * A run that started but never ended (the hub was killed) reads back as FAILED.
 */
@ApplicationScoped
@Startup
public class RunLog {

    private static final Logger LOG = Logger.getLogger(RunLog.class);
    /** History kept: the run log is cut back to this many lines when it has twice as many. */
    static final int KEEP_LINES = 1000;
    public static final String INTERRUPTED = "interrupted: the hub stopped during the run";

    @Inject
    io.feedbackhub.core.config.HubConfig config;

    @Inject
    MeterRegistry metrics;

    @Inject
    ObjectMapper json;

    @Inject
    SecretMasker secrets;

    private final Map<String, Run> last = new ConcurrentHashMap<>();
    private Path file;
    private int lines;

    @PostConstruct
    void load() {
        file = config.dataDir().resolve("runs").resolve("runs.jsonl");
        try {
            Files.createDirectories(file.getParent());
            if (Files.exists(file)) {
                List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (String line : all) {
                    readLine(line).ifPresent(run -> last.put(run.connector(), run));
                }
                lines = all.size();
                compactIfLong(all);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the run log " + file, e);
        }
    }

    public Optional<Run> last(String connector) {
        return Optional.ofNullable(last.get(connector));
    }

    void started(Run run) {
        last.put(run.connector(), run);
        append(run);
    }

    void finished(Run run) {
        append(run);
        String connector = run.connector();
        Counter.builder("hub.connector.runs").description("Connector runs by outcome")
                .tag("connector", connector).tag("mode", run.mode().label()).tag("status", run.status().name())
                .register(metrics).increment();
        Counter.builder("hub.connector.records").description("Records written to the catalog by connector runs")
                .tag("connector", connector).register(metrics).increment(run.records());
        Counter.builder("hub.connector.requests").description("Requests made to outside systems by connector runs")
                .tag("connector", connector).register(metrics).increment(run.requests());
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
        view.put("notes", run.notes().stream().map(secrets::mask).toList());
        return view;
    }

    private synchronized void append(Run run) {
        Map<String, Object> line = view(run);
        line.put("connector", run.connector());
        try {
            DurableFiles.appendWhole(file, (json.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8));
            if (++lines > 2 * KEEP_LINES) {
                compactIfLong(Files.readAllLines(file, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // the run itself is not at stake: its records and bookmarks are already safe
            LOG.warnf("cannot append to the run log %s: %s", file, e.getMessage());
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

    private Optional<Run> readLine(String line) {
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
            if (status == Run.Status.RUNNING) {
                status = Run.Status.FAILED;
                error = INTERRUPTED;
            }
            return Optional.of(Run.restored(n.path("id").asText(), n.path("connector").asText(),
                    RunMode.parse(n.path("mode").asText()).orElse(RunMode.INCREMENTAL), n.path("trigger").asText(),
                    Instant.parse(n.path("startedAt").asText()), finished, status,
                    n.path("records").asLong(), n.path("requests").asLong(), error, notes));
        } catch (IOException | RuntimeException e) {
            // a torn last line after a kill -9 is expected; skip it rather than refuse to start
            LOG.debugf("skipping an unreadable run log line: %s", e.getMessage());
            return Optional.empty();
        }
    }
}
