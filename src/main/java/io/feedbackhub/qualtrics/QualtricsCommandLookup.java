package io.feedbackhub.qualtrics;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.feedbackhub.qualtrics.QualtricsCommands.Command;

/**
 * What a command that was interrupted after it started left in Qualtrics (shared/docs §11.4:
 * "reconcile first"). Qualtrics takes no idempotency key and no field of ours that its lists echo,
 * so a distribution is recognised by what it was asked to do: one of the survey's distributions
 * (or SMS distributions) with the same send date and the same recipients (mailing list, contact,
 * transaction batch or sample; for a follow-up the parent), made since the command started; where
 * the list shows them, its type, method and name must agree too. Exactly one such is the
 * command's; none or several leave the outcome unknown, and the command is not sent again (a list
 * may lag behind a send). A contact create is looked up by its extRef: Qualtrics' search is what
 * the create's own retry trusts, so no contact means it was not created.
 */
@ApplicationScoped
public class QualtricsCommandLookup {

    /** Distributions read through at most (100 a page); a survey with more leaves the outcome unknown. */
    static final int MAX_PAGES = 20;
    /** Qualtrics' clock against the hub's. */
    private static final Duration SKEW = Duration.ofMinutes(5);
    private static final List<String> RECIPIENTS = List.of("mailingListId", "contactId", "transactionBatchId", "sampleId");

    public enum Kind {
        /** It went through: {@link Trace#qualtricsId} is what it made. */
        FOUND,
        /** It certainly did not go through: it may be carried out now. */
        ABSENT,
        /** Cannot be told. */
        UNKNOWN
    }

    public record Trace(Kind kind, String qualtricsId, String detail) {
    }

    @Inject
    QualtricsClient client;

    @Inject
    QualtricsConfig config;

    @Inject
    QualtricsContacts contacts;

    public Trace find(Command command, Instant started) {
        try {
            return switch (command.name()) {
                case "distributions.email" -> email(command, started);
                case "distributions.sms" -> sms(command, started);
                case "contacts.create" -> contact(command);
                default -> unknown("a raw call leaves nothing the hub can look for");
            };
        } catch (RuntimeException e) {
            return unknown("looking for it in Qualtrics failed (" + e.getMessage() + "); a repeat of the command looks again");
        }
    }

    private Trace email(Command command, Instant started) {
        QualtricsRequest request = command.request();
        if (!request.path().equals(QualtricsRequest.API + "/distributions")) {
            return unknown("Qualtrics' lists do not tell a reminder or thank-you apart: see the follow-ups of " + request.path());
        }
        JsonNode sent = client.parse(request.body());
        String survey = sent.path("surveyLink").path("surveyId").asText();
        Map<String, String> query = new LinkedHashMap<>();
        query.put("surveyId", survey);
        query.put("distributionRequestType", "Invite");
        if (sent.path("recipients").hasNonNull("mailingListId")) {
            query.put("mailingListId", sent.path("recipients").path("mailingListId").asText());
        }
        query.put("useNewPaginationScheme", "true");
        return matching("/distributions", query, survey, started, listed -> agrees(listed, "requestType", "Invite")
                && same(sent, listed, started));
    }

    private Trace sms(Command command, Instant started) {
        JsonNode sent = client.parse(command.request().body());
        String survey = sent.path("surveyId").asText();
        return matching("/distributions/sms", new LinkedHashMap<>(Map.of("surveyId", survey)), survey, started,
                listed -> agrees(listed, "method", sent.path("method").asText()) && agrees(listed, "name", sent.path("name").asText(null))
                        && same(sent, listed, started));
    }

    private Trace matching(String path, Map<String, String> query, String survey, Instant started,
            java.util.function.Predicate<JsonNode> ours) {
        PageScan scan = new PageScan(config.host().orElseThrow(), QualtricsRequest.get(path, QualtricsRequest.query(query)), null);
        List<String> found = new ArrayList<>();
        for (int page = 0; scan.hasNext(); page++) {
            if (page == MAX_PAGES) {
                return unknown("survey " + survey + " has more distributions than the hub reads through (" + MAX_PAGES + " pages)");
            }
            QualtricsClient.Answer answer = client.call(scan.next());
            for (JsonNode listed : answer.result().path("elements")) {
                if (ours.test(listed)) {
                    found.add(listed.path("id").asText());
                }
            }
            JsonNode next = answer.result().path("nextPage");
            scan.follow(next.isTextual() ? next.asText() : null);
        }
        String what = "of survey " + survey + " with this send date and these recipients, made since " + started;
        if (found.size() == 1) {
            return new Trace(Kind.FOUND, found.get(0), "Qualtrics has it as " + found.get(0) + ", the one distribution " + what);
        }
        return unknown(found.isEmpty() ? "Qualtrics lists no distribution " + what
                : "Qualtrics lists " + found.size() + " distributions " + what + ": " + String.join(", ", found));
    }

    /** The send date, the recipients (or the parent) as asked, and made since the command started. */
    private static boolean same(JsonNode sent, JsonNode listed, Instant started) {
        if (!sameInstant(sent.path("sendDate").asText(), listed.path("sendDate").asText())) {
            return false;
        }
        for (String source : RECIPIENTS) {
            String asked = sent.path("recipients").path(source).asText("");
            if (!asked.isBlank() && !asked.equals(listed.path("recipients").path(source).asText())) {
                return false;
            }
        }
        String parent = sent.path("parentDistributionId").asText("");
        if (!parent.isBlank() && !parent.equals(listed.path("parentDistributionId").asText())) {
            return false;
        }
        Instant created = instant(listed.path("createdDate").asText(""));
        return created == null || !created.isBefore(started.minus(SKEW));
    }

    /** A field the list may or may not show: where it does, it must be the value asked for. */
    private static boolean agrees(JsonNode listed, String field, String asked) {
        return asked == null || !listed.hasNonNull(field) || listed.path(field).asText().equalsIgnoreCase(asked);
    }

    private static boolean sameInstant(String asked, String listed) {
        Instant a = instant(asked);
        Instant b = instant(listed);
        return a != null && a.equals(b);
    }

    private static Instant instant(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (RuntimeException notADate) {
            return null;
        }
    }

    private Trace contact(Command command) {
        String extRef = command.body() == null ? "" : command.body().path("extRef").asText("");
        if (extRef.isBlank()) {
            return unknown("a contact without an extRef cannot be looked up: search the directory for it");
        }
        JsonNode found = contacts.search(command.directory(), extRef);
        if (found.size() == 1) {
            String id = found.get(0).path("contactId").asText(found.get(0).path("id").asText());
            return new Trace(Kind.FOUND, id, "Qualtrics has the contact with this extRef as " + id);
        }
        if (found.isEmpty()) {
            return new Trace(Kind.ABSENT, null, "no contact has this extRef");
        }
        return unknown(found.size() + " contacts have this extRef");
    }

    private static Trace unknown(String detail) {
        return new Trace(Kind.UNKNOWN, null, detail);
    }
}
