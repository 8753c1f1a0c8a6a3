package io.feedbackhub.qualtrics;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.spi.StateRepository;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.core.state.AtomicFileStateRepository;
import io.feedbackhub.core.state.KafkaStateRepository;
import io.feedbackhub.qualtrics.QualtricsCommands.Command;
import io.feedbackhub.qualtrics.QualtricsCommands.Outcome;

/**
 * A command that may not be sent twice (a distribution, a contact create, a raw POST or PATCH)
 * is carried out at most once per command id: the id of a topic command, or the
 * {@code Idempotency-Key} of an HTTP one. Before Qualtrics is called the hub records "started";
 * once Qualtrics has answered, the outcome, before the result is written and before a topic
 * command's offset is committed. A command that comes again (a Kafka redelivery after a crash, a
 * rebalance or a failed result write; an HTTP retry) is then:
 * <ul>
 * <li>unknown: carried out;</li>
 * <li>done: answered with the remembered outcome, nothing sent;</li>
 * <li>started, without an outcome (the hub died, or Qualtrics' answer was lost): never sent
 * again. Its trace is looked for in Qualtrics ({@link QualtricsCommandLookup}): what is found is
 * its outcome; otherwise the outcome is unknown, for an operator to check in Qualtrics, and a
 * later repeat looks again. We chose this over sending again because a second send mails or texts
 * every recipient twice, while an unknown outcome costs one look in Qualtrics.</li>
 * </ul>
 * A command Qualtrics refused (4xx) is forgotten, so that it may be sent again.
 *
 * <p>The memory is a Camel state repository: a file under {@code ${hub.data-dir}/state} for the
 * embedded hub, and a compacted Kafka topic when the hub uses Kafka (a commands topic or the
 * Kafka catalog), so that the replica that takes over a partition knows what the one before it
 * started. Ids are kept for {@code hub.qualtrics.command-memory}; a topic command older than that
 * is refused, since whether it ran can no longer be told.
 */
@ApplicationScoped
@Named("qualtricsCommandMemory")
public class QualtricsCommandMemory {

    /** The command id whose entry this exchange started (and must settle). */
    private static final String STARTED = "qualtricsCommandStarted";
    /** The command id this exchange holds against concurrent repeats. */
    private static final String HELD = "qualtricsCommandHeld";
    private static final Logger LOG = Logger.getLogger(QualtricsCommandMemory.class);

    @Inject
    HubConfig hub;

    @Inject
    QualtricsConfig config;

    @Inject
    QualtricsCommandLookup lookup;

    @Inject
    CamelContext camel;

    @Inject
    ObjectMapper json;

    /** Ids being carried out in this process: a concurrent repeat is told to wait, not looked up. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private volatile StateRepository<String, String> store;

    /** Before the command is carried out: it may be answered from memory or from Qualtrics instead (the outcome is then set). */
    public void begin(Exchange exchange) {
        Command command = exchange.getProperty(QualtricsCommands.COMMAND, Command.class);
        String id = exchange.getProperty(QualtricsCommands.COMMAND_ID, String.class);
        if (id == null || !command.once()) {
            return;
        }
        if (!inFlight.add(id)) {
            throw new CommandRejected(409, "command " + id + " is being carried out; ask again when it is done");
        }
        exchange.setProperty(HELD, id);
        String stored = store().getState(id);
        if (stored == null) {
            Instant written = exchange.getProperty(QualtricsCommands.WRITTEN_AT, Instant.class);
            if (written != null && written.isBefore(Instant.now().minus(config.commandMemory()))) {
                throw new CommandRejected(410, "the command was written at " + written + ", longer ago than hub.qualtrics.command-memory ("
                        + config.commandMemory() + "): whether it was carried out is no longer known, so it is not");
            }
            store().setState(id, json.createObjectNode().put("state", "started").put("command", command.name())
                    .put("fingerprint", command.fingerprint()).put("startedAt", Instant.now().toString()).toString());
            exchange.setProperty(STARTED, id);
            return;
        }
        JsonNode entry = parse(stored);
        if (!command.fingerprint().equals(entry.path("fingerprint").asText())) {
            throw new CommandRejected(422, "command id " + id + " was given to another command (" + entry.path("command").asText()
                    + ", started " + entry.path("startedAt").asText() + "); a new command needs a new id");
        }
        if (entry.path("state").asText().equals("done")) {
            exchange.setProperty(QualtricsCommands.OUTCOME, remembered(command, id, entry));
            return;
        }
        Instant started = Instant.parse(entry.path("startedAt").asText());
        QualtricsCommandLookup.Trace trace = lookup.find(command, started);
        switch (trace.kind()) {
            case FOUND -> {
                LOG.infof("qualtrics: command %s (%s) started at %s was interrupted; Qualtrics has its %s, not sending it again", id,
                        command.name(), started, trace.qualtricsId());
                Outcome outcome = new Outcome(command.name(), 200, envelope(trace.qualtricsId(), "200 - OK", null,
                        "command " + id + " was interrupted after it started at " + started + "; " + trace.detail()), trace.qualtricsId(),
                        null, QualtricsCommands.RECOVERED);
                store().setState(id, done(entry, outcome));
                exchange.setProperty(QualtricsCommands.OUTCOME, outcome);
            }
            case ABSENT -> exchange.setProperty(STARTED, id);
            case UNKNOWN -> {
                String message = "outcome unknown: command " + id + " (" + command.name() + ") started at " + started
                        + " and was interrupted before Qualtrics' answer was recorded; it is not sent again. Check in Qualtrics whether it"
                        + " went out (" + trace.detail() + ")";
                LOG.warnf("qualtrics: %s", message);
                exchange.setProperty(QualtricsCommands.OUTCOME, new Outcome(command.name(), 409, json.createObjectNode()
                        .put("error", message).put("outcome", QualtricsCommands.UNKNOWN).put("commandId", id)
                        .put("startedAt", started.toString()).toString(), null, message, QualtricsCommands.UNKNOWN));
            }
            default -> throw new IllegalStateException(trace.kind().name());
        }
    }

    /**
     * After the command, before its result is written: a success is remembered, a refusal
     * forgotten; any other failure (5xx, no answer) may have gone through, so "started" stays.
     */
    public void finish(Exchange exchange) {
        try {
            String id = exchange.getProperty(STARTED, String.class);
            if (id == null) {
                return;
            }
            Outcome outcome = exchange.getProperty(QualtricsCommands.OUTCOME, Outcome.class);
            if (outcome.status() >= 200 && outcome.status() < 300) {
                store().setState(id, done(parse(store().getState(id)), outcome));
            } else if (outcome.status() >= 400 && outcome.status() < 500) {
                store().setState(id, null);
            }
        } finally {
            String held = exchange.getProperty(HELD, String.class);
            if (held != null) {
                inFlight.remove(held);
            }
        }
    }

    private String done(JsonNode started, Outcome outcome) {
        JsonNode answer = parse(outcome.body());
        ObjectNode entry = started.deepCopy();
        entry.put("state", "done").put("doneAt", Instant.now().toString()).put("status", outcome.status())
                .put("qualtricsId", outcome.qualtricsId()).put("requestId", answer.path("meta").path("requestId").asText(null))
                .put("httpStatus", answer.path("meta").path("httpStatus").asText(null)).put("how", outcome.kind());
        return entry.toString();
    }

    /** The outcome of a command carried out before, as its answer's envelope: the bodies themselves are not kept (personal data). */
    private Outcome remembered(Command command, String id, JsonNode entry) {
        String qualtricsId = entry.path("qualtricsId").asText(null);
        String notice = "command " + id + " was carried out at " + entry.path("doneAt").asText() + "; this is its recorded outcome,"
                + " nothing was sent again";
        return new Outcome(command.name(), entry.path("status").asInt(200), envelope(qualtricsId,
                entry.path("httpStatus").asText("200 - OK"), entry.path("requestId").asText(null), notice), qualtricsId, null,
                QualtricsCommands.REMEMBERED);
    }

    private String envelope(String qualtricsId, String httpStatus, String requestId, String notice) {
        ObjectNode body = json.createObjectNode();
        if (qualtricsId != null) {
            body.putObject("result").put("id", qualtricsId);
        }
        body.putObject("meta").put("httpStatus", httpStatus).put("requestId", requestId).put("notice", notice);
        return body.toString();
    }

    private JsonNode parse(String text) {
        try {
            return text == null ? json.createObjectNode() : json.readTree(text);
        } catch (Exception e) {
            return json.createObjectNode();
        }
    }

    /** An entry is kept while it started within hub.qualtrics.command-memory. */
    private boolean recent(String value) {
        try {
            return Instant.parse(parse(value).path("startedAt").asText()).isAfter(Instant.now().minus(config.commandMemory()));
        } catch (RuntimeException unreadable) {
            return false;
        }
    }

    private StateRepository<String, String> store() {
        if (store == null) {
            synchronized (this) {
                if (store == null) {
                    boolean kafka = config.commandsTopic().isPresent() || hub.catalog().sink() == HubConfig.CatalogSink.KAFKA;
                    StateRepository<String, String> opened = kafka
                            ? KafkaStateRepository.of(camel, hub.kafka().brokers().orElseThrow(), config.commandMemoryTopic(),
                                    hub.kafka().replicationFactor(), java.util.Optional.of(config.commandMemory()), this::recent)
                            : new AtomicFileStateRepository(hub.dataDir().resolve("state").resolve("qualtrics-commands.properties"),
                                    this::recent);
                    opened.start();
                    store = opened;
                }
            }
        }
        return store;
    }

    @PreDestroy
    void close() {
        if (store != null) {
            store.stop();
        }
    }
}
