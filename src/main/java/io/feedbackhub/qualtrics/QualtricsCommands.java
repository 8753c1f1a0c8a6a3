package io.feedbackhub.qualtrics;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.feedbackhub.core.catalog.Catalog;
import io.feedbackhub.core.config.HubConfig;

/**
 * The steps of the command routes in {@code routes/qualtrics.camel.yaml}: who may call, which
 * command a request is, carrying it out, the record in {@code qualtrics_command_results}, the reply.
 * The reply is Qualtrics' own answer (status and envelope) wherever Qualtrics was called.
 */
@ApplicationScoped
@Named("qualtricsCommands")
public class QualtricsCommands {

    public static final String RESULTS_TABLE = "qualtrics_command_results";
    static final String COMMAND = "qualtricsCommand";
    static final String OUTCOME = "qualtricsOutcome";
    /** Set on a command from the commands topic: trusted by the cluster's ACLs, and its id. */
    static final String FROM_TOPIC = "qualtricsCommandFromTopic";
    static final String COMMAND_ID = "qualtricsCommandId";
    /** When the message of a topic command was written (its Kafka timestamp). */
    static final String WRITTEN_AT = "qualtricsCommandWrittenAt";
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._:@/+=\\-]{1,200}");
    private static final Pattern CONTACT = Pattern.compile("/qualtrics/contacts/(CID_[A-Za-z0-9]+)/?");
    private static final Pattern BY_EXT_REF = Pattern.compile("/qualtrics/contacts/by-ext-ref/([^/]+)/?");
    private static final Logger LOG = Logger.getLogger(QualtricsCommands.class);

    @Inject
    HubConfig hub;

    @Inject
    QualtricsConfig config;

    @Inject
    QualtricsContacts contacts;

    @Inject
    QualtricsClient client;

    @Inject
    ObjectMapper json;

    /**
     * One command: its name (contacts.create ...), its target, its body and, for distributions and
     * raw calls, the checked request that goes out.
     */
    public record Command(String name, String directory, String target, int limit, JsonNode body, QualtricsRequest request) {

        Command(String name, String directory, String target, int limit, JsonNode body) {
            this(name, directory, target, limit, body, null);
        }

        /** Whether sending it twice may do more than sending it once: it is carried out at most once per command id. */
        boolean once() {
            return name.equals("contacts.create") || (request != null && !request.isRepeatable());
        }

        /** What a command id stands for: a repeat with the same id must be this command. */
        String fingerprint() {
            String text = name + "\n" + directory + "\n" + target + "\n" + (body == null ? "" : body.toString());
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)), 0, 16);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * What the caller gets back, and what is recorded. {@code kind} says how the hub knows it:
     * {@link #ANSWERED} by this call, {@link #REMEMBERED} from an earlier run of the same command id,
     * {@link #RECOVERED} found in Qualtrics after an interrupted run, {@link #UNKNOWN} not found out.
     */
    public record Outcome(String command, int status, String body, String qualtricsId, String error, String kind) {

        public Outcome(String command, int status, String body, String qualtricsId, String error) {
            this(command, status, body, qualtricsId, error, ANSWERED);
        }
    }

    public static final String ANSWERED = "answered";
    public static final String REMEMBERED = "remembered";
    public static final String RECOVERED = "recovered";
    public static final String UNKNOWN = "unknown";
    /** The HTTP header a caller names its command with, so a retry of it is not carried out twice. */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    /**
     * A message of the commands topic as the HTTP request it stands for: method, path, the query
     * parameters the API reads, the body as JSON text. A message that is no command is a 400 result.
     */
    public void fromTopic(Exchange exchange) {
        Message out = exchange.getMessage();
        JsonNode message = client.parse(out.getBody(String.class));
        // without an id, the message's place: a redelivery of the message has the same
        String place = out.getHeader(KafkaConstants.TOPIC, String.class) + "/" + out.getHeader(KafkaConstants.PARTITION, Integer.class)
                + "@" + out.getHeader(KafkaConstants.OFFSET, Long.class);
        Long writtenAt = out.getHeader(KafkaConstants.TIMESTAMP, Long.class);
        out.removeHeaders("*");
        exchange.setProperty(FROM_TOPIC, true);
        exchange.setProperty(COMMAND_ID, message.path("id").isValueNode() && !message.path("id").asText().isBlank()
                ? message.path("id").asText() : place);
        if (writtenAt != null) {
            exchange.setProperty(WRITTEN_AT, Instant.ofEpochMilli(writtenAt));
        }
        out.setHeader(Exchange.HTTP_METHOD, message.path("method").asText("").toUpperCase(Locale.ROOT));
        out.setHeader(Exchange.HTTP_PATH, message.path("path").asText(""));
        for (String param : new String[] {"directoryId", "limit"}) {
            if (message.path("query").hasNonNull(param)) {
                out.setHeader(param, message.path("query").path(param).asText());
            }
        }
        JsonNode body = message.path("body");
        out.setBody(body.isMissingNode() || body.isNull() ? null : body.toString());
    }

    /** Bearer {@code hub.api.token}, compared in constant time; anything else is a 401. Topic commands are trusted. */
    public void authorize(Exchange exchange) {
        if (exchange.getProperty(FROM_TOPIC, false, Boolean.class)) {
            return;
        }
        String header = exchange.getMessage().getHeader("Authorization", "", String.class);
        String expected = "Bearer " + hub.api().token().orElse("");
        if (hub.api().token().isEmpty() || !MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))) {
            throw new CommandRejected(401, "send Authorization: Bearer <hub.api.token>");
        }
    }

    /** The HTTP request as a command; a path or method the API does not have is a 404 or 405. */
    public void read(Exchange exchange) {
        String method = exchange.getMessage().getHeader(Exchange.HTTP_METHOD, "", String.class);
        String path = exchange.getMessage().getHeader(Exchange.HTTP_PATH, "", String.class);
        String directory = exchange.getMessage().getHeader("directoryId", config.directoryId().orElse(""), String.class);
        if (!directory.matches("POOL_[A-Za-z0-9]+")) {
            throw CommandRejected.field("directoryId", "must be a directory id (POOL_...)");
        }
        if (!exchange.getProperty(FROM_TOPIC, false, Boolean.class)) {
            String key = exchange.getMessage().getHeader(IDEMPOTENCY_KEY, String.class);
            if (key != null && !KEY.matcher(key).matches()) {
                throw CommandRejected.field(IDEMPOTENCY_KEY, "must be 1-200 letters, digits or . _ : @ / + = -");
            }
            exchange.setProperty(COMMAND_ID, key);
        }
        JsonNode body = body(exchange, method);
        Command command;
        Matcher m;
        if (path.matches("/qualtrics/contacts/?")) {
            command = switch (method) {
                case "GET" -> new Command("contacts.list", directory, null, limit(exchange), null);
                case "POST" -> new Command("contacts.create", directory, null, 0, body);
                default -> throw new CommandRejected(405, method + " is not allowed on /qualtrics/contacts (GET, POST)");
            };
        } else if ((m = BY_EXT_REF.matcher(path)).matches()) {
            if (!method.equals("PUT")) {
                throw new CommandRejected(405, "upsert by extRef is a PUT");
            }
            String extRef = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
            if (extRef.isBlank()) {
                throw CommandRejected.field("extRef", "must not be empty");
            }
            command = new Command("contacts.upsert", directory, extRef, 0, body);
        } else if ((m = CONTACT.matcher(path)).matches()) {
            command = switch (method) {
                case "GET" -> new Command("contacts.get", directory, m.group(1), 0, null);
                case "PUT" -> new Command("contacts.update", directory, m.group(1), 0, body);
                case "DELETE" -> new Command("contacts.delete", directory, m.group(1), 0, null);
                default -> throw new CommandRejected(405, method + " is not allowed on a contact (GET, PUT, DELETE)");
            };
        } else if (path.matches("/qualtrics/distributions/(email|sms)/?") && method.equals("POST")) {
            boolean sms = path.contains("sms");
            String name = sms ? "distributions.sms" : "distributions.email";
            // set first, so that a command the rules refuse is recorded as such
            exchange.setProperty(COMMAND, new Command(name, null, null, 0, body));
            command = new Command(name, null, null, 0, body, sms ? DistributionRules.sms(body) : DistributionRules.email(body));
        } else if (path.matches("/qualtrics/api/?") && method.equals("POST")) {
            exchange.setProperty(COMMAND, new Command("api", null, null, 0, body));
            command = new Command("api", null, null, 0, body, RawApiCall.read(body));
        } else {
            throw new CommandRejected(404, "no command " + method + " " + path);
        }
        exchange.setProperty(COMMAND, command);
    }

    /** Carries the command out; rules are checked before Qualtrics is called. */
    public void execute(Exchange exchange) {
        Command command = exchange.getProperty(COMMAND, Command.class);
        QualtricsClient.Answer answer = switch (command.name()) {
            case "contacts.list" -> contacts.list(command.directory(), command.limit());
            case "contacts.create" -> contacts.create(command.directory(), command.body());
            case "contacts.get" -> contacts.get(command.directory(), command.target());
            case "contacts.update" -> contacts.update(command.directory(), command.target(), command.body());
            case "contacts.delete" -> contacts.delete(command.directory(), command.target());
            case "contacts.upsert" -> contacts.upsert(command.directory(), command.target(), command.body());
            case "distributions.email", "distributions.sms" -> client.call(command.request());
            case "api" -> raw(command.request());
            default -> throw new IllegalStateException("unknown command " + command.name());
        };
        String id = answer.result().path("id").asText(answer.result().path("distributionId").asText(command.target()));
        exchange.setProperty(OUTCOME, new Outcome(command.name(), answer.status(), answer.body(), id, null));
    }

    /** The raw call's answer goes back as Qualtrics gave it, errors included. */
    private QualtricsClient.Answer raw(QualtricsRequest request) {
        try {
            return client.call(request);
        } catch (QualtricsException e) {
            if (e.answer() == null) {
                throw e;
            }
            return new QualtricsClient.Answer(e.status(), e.answer(), client.parse(e.answer()));
        }
    }

    public void rejected(Exchange exchange) {
        CommandRejected rejected = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, CommandRejected.class);
        ObjectNode error = json.createObjectNode().put("error", rejected.getMessage());
        if (rejected.field() != null) {
            error.put("field", rejected.field());
        }
        Command command = exchange.getProperty(COMMAND, Command.class);
        exchange.setProperty(OUTCOME, new Outcome(command == null ? null : command.name(), rejected.status(), error.toString(), null,
                rejected.getMessage()));
    }

    /** Qualtrics refused or failed: its status and envelope go back; a call it never answered is a 504. */
    public void failed(Exchange exchange) {
        QualtricsException failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, QualtricsException.class);
        Command command = exchange.getProperty(COMMAND, Command.class);
        boolean answered = failure.answer() != null && failure.status() > 0;
        String body = answered ? failure.answer() : json.createObjectNode().put("error", failure.getMessage()).toString();
        exchange.setProperty(OUTCOME, new Outcome(command.name(), answered ? failure.status() : 504, body, null, failure.getMessage()));
    }

    /** Anything else (a looping nextPage, say): a 500 naming the cause, recorded like any outcome. */
    public void broken(Exchange exchange) {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        LOG.warnf("qualtrics: a command failed: %s", failure.getMessage());
        Command command = exchange.getProperty(COMMAND, Command.class);
        String message = "the hub could not carry out the command: " + failure.getMessage();
        exchange.setProperty(OUTCOME, new Outcome(command == null ? null : command.name(), 500,
                json.createObjectNode().put("error", message).toString(), null, message));
    }

    /** An authorised HTTP command that was understood, and every topic command, is recorded; an unauthorised call is not. */
    public boolean recorded(Exchange exchange) {
        return exchange.getProperty(COMMAND) != null || exchange.getProperty(FROM_TOPIC, false, Boolean.class);
    }

    /** The record of a command in qualtrics_command_results: no bodies (they hold personal data). */
    public void result(Exchange exchange) {
        Outcome outcome = exchange.getProperty(OUTCOME, Outcome.class);
        JsonNode answer = client.parse(outcome.body());
        ObjectNode record = json.createObjectNode().put("id", UUID.randomUUID().toString()).put("command", outcome.command())
                .put("source", exchange.getProperty(FROM_TOPIC, false, Boolean.class) ? "kafka" : "http")
                .put("commandId", exchange.getProperty(COMMAND_ID, String.class))
                .put("at", Instant.now().toString()).put("outcome", outcome.kind()).put("status", outcome.status())
                .put("qualtricsId", outcome.qualtricsId())
                .put("requestId", answer.path("meta").path("requestId").asText(null))
                .put("errorCode", answer.path("meta").path("error").path("errorCode").asText(null))
                .put("error", outcome.error());
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Catalog.TABLE, RESULTS_TABLE);
        exchange.getMessage().setBody(record);
    }

    public void reply(Exchange exchange) {
        Outcome outcome = exchange.getProperty(OUTCOME, Outcome.class);
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, outcome.status());
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        if (outcome.status() == 401) {
            exchange.getMessage().setHeader("WWW-Authenticate", "Bearer");
        }
        exchange.getMessage().setBody(outcome.body());
    }

    private int limit(Exchange exchange) {
        String limit = exchange.getMessage().getHeader("limit", "100", String.class);
        if (!limit.matches("\\d{1,6}")) {
            throw CommandRejected.field("limit", "must be a number");
        }
        return Integer.parseInt(limit);
    }

    private JsonNode body(Exchange exchange, String method) {
        if (method.equals("GET") || method.equals("DELETE")) {
            return null;
        }
        String text = exchange.getMessage().getBody(String.class);
        if (text == null || text.isBlank()) {
            throw new CommandRejected(400, "the request has no body");
        }
        try {
            return json.readTree(text);
        } catch (Exception e) {
            throw new CommandRejected(400, "the body is not valid JSON");
        }
    }
}
