package io.feedbackhub.qualtrics;

import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * XM Directory contact commands: list, create, get, update, delete and upsert by extRef
 * (search, then PUT or else POST), with the body rules of shared/docs §7: read-only keys a GET
 * echoes are stripped from PUTs, a null e-mail and empty core fields are left out.
 */
@ApplicationScoped
public class QualtricsContacts {

    /** Keys a GET returns that Qualtrics refuses in a PUT ("Unexpected json key provided"). */
    static final Set<String> READ_ONLY = Set.of("contactId", "contactLookupId", "mailingListUnsubscribed", "creationDate",
            "lastModified", "mailingListMembership", "stats", "responseHistory", "emailHistory");
    private static final List<String> CORE = List.of("firstName", "lastName", "email", "phone", "extRef", "language");
    static final int MAX_LIST = 10_000;

    @Inject
    QualtricsClient client;

    @Inject
    QualtricsConfig config;

    @Inject
    ObjectMapper json;

    /** Up to {@code limit} contacts, following nextPage. */
    public QualtricsClient.Answer list(String directory, int limit) {
        if (limit < 1 || limit > MAX_LIST) {
            throw CommandRejected.field("limit", "must be between 1 and " + MAX_LIST);
        }
        String query = QualtricsRequest.query(Map.of("pageSize", String.valueOf(Math.min(limit, config.pageSize())),
                "useNewPaginationScheme", "true"));
        PageScan scan = new PageScan(config.host().orElseThrow(), QualtricsRequest.get(path(directory), query), limit);
        ArrayNode elements = json.createArrayNode();
        QualtricsClient.Answer last = null;
        while (scan.hasNext()) {
            last = client.call(scan.next());
            JsonNode page = last.result().path("elements");
            int keep = scan.take(page.size());
            for (int i = 0; i < keep; i++) {
                elements.add(page.get(i));
            }
            JsonNode next = last.result().path("nextPage");
            scan.follow(next.isTextual() ? next.asText() : null);
        }
        ObjectNode answer = json.createObjectNode();
        answer.putObject("result").set("elements", elements);
        answer.set("meta", last == null ? json.createObjectNode() : last.json().path("meta"));
        return new QualtricsClient.Answer(200, answer.toString(), answer);
    }

    public QualtricsClient.Answer create(String directory, JsonNode body) {
        ObjectNode contact = forCreate(body);
        String extRef = contact.path("extRef").asText(null);
        try {
            return client.create(QualtricsRequest.send("POST", path(directory), contact.toString()).withExtRef(extRef));
        } catch (QualtricsException.Retryable unclear) {
            throw new QualtricsException.Retryable(unclear.status(), unclear.getMessage() + "; the contact may have been created"
                    + (extRef == null ? " (without an extRef it cannot be looked up, so it was not tried again)" : ""), unclear.answer());
        }
    }

    public QualtricsClient.Answer get(String directory, String contactId) {
        return client.call(QualtricsRequest.get(path(directory) + "/" + contactId, null));
    }

    public QualtricsClient.Answer update(String directory, String contactId, JsonNode body) {
        return client.call(QualtricsRequest.send("PUT", path(directory) + "/" + contactId, forUpdate(body).toString()));
    }

    public QualtricsClient.Answer delete(String directory, String contactId) {
        return client.call(new QualtricsRequest("DELETE", QualtricsRequest.API + path(directory) + "/" + contactId, null, null, Map.of(), null));
    }

    /** The contact with this extRef is updated, or created if there is none. */
    public QualtricsClient.Answer upsert(String directory, String extRef, JsonNode body) {
        ObjectNode contact = object(body);
        contact.put("extRef", extRef);
        JsonNode found = search(directory, extRef);
        ObjectNode answer = json.createObjectNode();
        if (found.size() > 1) {
            throw new CommandRejected(409, "extRef: " + found.size() + " contacts share this extRef; update them by contactId");
        }
        QualtricsClient.Answer done;
        if (found.size() == 1) {
            String id = found.get(0).path("contactId").asText();
            done = update(directory, id, contact);
            answer.putObject("result").put("id", id).put("action", "updated");
        } else {
            done = create(directory, contact);
            answer.putObject("result").put("id", done.result().path("id").asText()).put("action", "created");
        }
        answer.set("meta", done.json().path("meta"));
        return new QualtricsClient.Answer(200, answer.toString(), answer);
    }

    /** The contacts with this extRef. */
    JsonNode search(String directory, String extRef) {
        String filter = json.createObjectNode().set("filter", json.createObjectNode()
                .put("filterType", "extRef").put("comparison", "eq").put("value", extRef)).toString();
        return client.call(QualtricsRequest.send("POST", path(directory) + "/search", filter)).result().path("elements");
    }

    static String path(String directory) {
        return QualtricsContactsPull.contactsPath(directory);
    }

    private static ObjectNode forCreate(JsonNode body) {
        ObjectNode contact = object(body);
        for (String field : CORE) {
            if (contact.has(field) && (contact.get(field).isNull() || contact.get(field).asText().isEmpty())) {
                contact.remove(field);
            }
        }
        return contact;
    }

    private static ObjectNode forUpdate(JsonNode body) {
        ObjectNode contact = object(body);
        contact.remove(READ_ONLY);
        if (contact.has("email") && contact.get("email").isNull()) {
            contact.remove("email");
        }
        return contact;
    }

    private static ObjectNode object(JsonNode body) {
        if (!(body instanceof ObjectNode contact)) {
            throw new CommandRejected(400, "the body must be a contact as a JSON object");
        }
        return contact.deepCopy();
    }
}
