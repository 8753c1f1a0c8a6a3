package io.feedbackhub.qualtrics;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Checks an email or SMS distribution command before Qualtrics sees it (shared/docs §8), and
 * turns it into the request to send, with every date in Qualtrics' UTC form. A broken rule is a
 * {@link CommandRejected} naming the field.
 *
 * <p>Email: Qualtrics' own {@code POST /distributions} body for an invite; with {@code method}
 * {@code Reminder} or {@code ThankYou} and a {@code parentDistributionId}, the follow-up of that
 * distribution ({@code POST /distributions/{id}/reminders|thankyous}). SMS: Qualtrics'
 * {@code POST /distributions/sms} body, with the method table of §8.2; an invite goes to a mailing
 * list, a transaction batch or a sample ({@code recipients.sampleId}), as an email invite does.
 */
public final class DistributionRules {

    private static final List<String> RECIPIENT_SOURCES = List.of("mailingListId", "transactionBatchId", "sampleId");
    private static final List<String> LINK_TYPES = List.of("Individual", "Multiple", "Anonymous");

    private DistributionRules() {
    }

    public static QualtricsRequest email(JsonNode input) {
        ObjectNode body = object(input);
        String method = canonical(body.path("method").asText("Invite"), List.of("Invite", "Reminder", "ThankYou"), "method");
        body.remove("method");
        date(body, "sendDate", "sendDate", true);
        header(body.path("header"));
        message(body, true);
        if (method.equals("Invite")) {
            notAllowed(body, "parentDistributionId", method);
            JsonNode link = body.path("surveyLink");
            if (!(link instanceof ObjectNode surveyLink)) {
                throw CommandRejected.field("surveyLink", "is required for an Invite (surveyLink.surveyId, type)");
            }
            id(surveyLink, "surveyId", "surveyLink.surveyId", "SV_", true);
            if (surveyLink.has("type") && !LINK_TYPES.contains(surveyLink.path("type").asText())) {
                throw CommandRejected.field("surveyLink.type", "must be one of " + LINK_TYPES);
            }
            date(surveyLink, "expirationDate", "surveyLink.expirationDate", false);
            recipients(body.path("recipients"));
            return QualtricsRequest.send("POST", "/distributions", body.toString());
        }
        String parent = body.path("parentDistributionId").asText("");
        if (!parent.startsWith("EMD_")) {
            throw CommandRejected.field("parentDistributionId", "is required for a " + method + " (the EMD_... of the invite)");
        }
        notAllowed(body, "recipients", method);
        notAllowed(body, "surveyLink", method);
        body.remove("parentDistributionId");
        return QualtricsRequest.send("POST", "/distributions/" + parent + (method.equals("Reminder") ? "/reminders" : "/thankyous"),
                body.toString());
    }

    public static QualtricsRequest sms(JsonNode input) {
        ObjectNode body = object(input);
        String method = canonical(body.path("method").asText(""), List.of("Invite", "Interactive", "Reminder", "Thankyou"), "method");
        body.put("method", method);
        boolean invite = method.equals("Invite") || method.equals("Interactive");
        id(body, "surveyId", "surveyId", "SV_", true);
        if (body.has("name") && body.path("name").asText("").isBlank()) {
            throw CommandRejected.field("name", "must not be empty");
        }
        date(body, "sendDate", "sendDate", true);
        date(body, "surveyLinkExpirationDate", "surveyLinkExpirationDate", false);
        if (invite) {
            recipients(body.path("recipients"));
            notAllowed(body, "parentDistributionId", method);
        } else {
            notAllowed(body, "recipients", method);
            if (body.path("parentDistributionId").asText("").isBlank()) {
                throw CommandRejected.field("parentDistributionId", "is required for an SMS " + method);
            }
        }
        if (method.equals("Interactive")) {
            notAllowed(body, "message", method);
        } else {
            message(body, true);
        }
        return QualtricsRequest.send("POST", "/distributions/sms", body.toString());
    }

    private static ObjectNode object(JsonNode input) {
        if (!(input instanceof ObjectNode body)) {
            throw new CommandRejected(400, "the body must be a JSON object");
        }
        return body.deepCopy();
    }

    /** Accepts any casing of a value, sends Qualtrics its own. */
    private static String canonical(String value, List<String> allowed, String field) {
        return allowed.stream().filter(a -> a.equalsIgnoreCase(value)).findFirst()
                .orElseThrow(() -> CommandRejected.field(field, "must be one of " + String.join(", ", allowed) + ", not '" + value + "'"));
    }

    private static void header(JsonNode header) {
        if (!(header instanceof ObjectNode)) {
            throw CommandRejected.field("header", "is required (fromEmail, fromName, replyToEmail, subject)");
        }
        for (String field : List.of("fromEmail", "subject")) {
            if (header.path(field).asText("").isBlank()) {
                throw CommandRejected.field("header." + field, "is required");
            }
        }
        for (String field : List.of("fromEmail", "replyToEmail")) {
            if (header.has(field) && !header.path(field).asText("").matches("[^@\\s]+@[^@\\s]+")) {
                throw CommandRejected.field("header." + field, "must be an e-mail address");
            }
        }
    }

    /** Exactly one of messageText or libraryId + messageId. */
    private static void message(ObjectNode body, boolean required) {
        JsonNode message = body.path("message");
        if (!(message instanceof ObjectNode)) {
            if (required) {
                throw CommandRejected.field("message", "is required: messageText, or libraryId and messageId");
            }
            return;
        }
        boolean text = !message.path("messageText").asText("").isBlank();
        boolean library = message.has("libraryId") || message.has("messageId");
        if (text == library) {
            throw CommandRejected.field("message", "needs exactly one of messageText or libraryId + messageId");
        }
        if (library) {
            if (!message.path("libraryId").asText("").matches("(UR|GR)_[A-Za-z0-9]+")) {
                throw CommandRejected.field("message.libraryId", "must be a library id (UR_... or GR_...)");
            }
            if (!message.path("messageId").asText("").matches("MS_[A-Za-z0-9]+")) {
                throw CommandRejected.field("message.messageId", "must be a message id (MS_...)");
            }
        }
    }

    /** Exactly one recipient source (mailing list, transaction batch or sample); a single contact only within a mailing list, by its CGC_ id. */
    private static void recipients(JsonNode recipients) {
        if (!(recipients instanceof ObjectNode)) {
            throw CommandRejected.field("recipients", "is required: one of " + String.join(", ", RECIPIENT_SOURCES));
        }
        for (Map.Entry<String, JsonNode> field : (Iterable<Map.Entry<String, JsonNode>>) recipients::fields) {
            if (!RECIPIENT_SOURCES.contains(field.getKey()) && !field.getKey().equals("contactId")) {
                throw CommandRejected.field("recipients." + field.getKey(), "is not allowed here; use one of " + String.join(", ", RECIPIENT_SOURCES));
            }
        }
        long given = RECIPIENT_SOURCES.stream().filter(source -> !recipients.path(source).asText("").isBlank()).count();
        if (given != 1) {
            throw CommandRejected.field("recipients", "needs exactly one of " + String.join(", ", RECIPIENT_SOURCES) + " (" + given + " given)");
        }
        if (recipients.has("mailingListId") && !recipients.path("mailingListId").asText("").matches("CG_[A-Za-z0-9]+")) {
            throw CommandRejected.field("recipients.mailingListId", "must be a mailing list id (CG_...)");
        }
        if (recipients.has("sampleId") && !recipients.path("sampleId").asText("").matches("SMP_[A-Za-z0-9]+")) {
            throw CommandRejected.field("recipients.sampleId", "must be a sample id (SMP_...)");
        }
        if (recipients.has("contactId")) {
            if (!recipients.has("mailingListId")) {
                throw CommandRejected.field("recipients.contactId", "is only allowed with recipients.mailingListId");
            }
            if (!recipients.path("contactId").asText("").matches("CGC_[A-Za-z0-9]+")) {
                throw CommandRejected.field("recipients.contactId", "must be the contact's mailing-list lookup id (CGC_...), not a CID_");
            }
        }
    }

    private static void id(ObjectNode body, String key, String field, String prefix, boolean required) {
        String value = body.path(key).asText("");
        if (value.isEmpty() && !required) {
            return;
        }
        if (!value.matches(prefix + "[A-Za-z0-9]+")) {
            throw CommandRejected.field(field, "must be an id starting " + prefix + (value.isEmpty() ? " (missing)" : ", not '" + value + "'"));
        }
    }

    private static void date(ObjectNode body, String key, String field, boolean required) {
        if (!body.hasNonNull(key)) {
            if (required) {
                throw CommandRejected.field(field, "is required (ISO-8601 with a zone, sent as UTC)");
            }
            return;
        }
        body.put(key, QualtricsDates.utc(field, body.path(key).asText()));
    }

    private static void notAllowed(ObjectNode body, String key, String method) {
        if (body.has(key)) {
            throw CommandRejected.field(key, "is not allowed for " + method);
        }
    }
}
