package io.feedbackhub.qualtrics;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.feedbackhub.core.catalog.Catalog;

/**
 * The steps of the contacts pull in {@code routes/qualtrics.camel.yaml}: every run reads the whole
 * directory (Qualtrics has no "modified since" filter) into a replacement copy of
 * {@code qualtrics_contacts}, which takes the old table's place only when the run succeeds.
 */
@ApplicationScoped
@Named("qualtricsContactsPull")
public class QualtricsContactsPull {

    public static final String TABLE = "qualtrics_contacts";
    static final String SCAN = "qualtricsScan";
    static final String SEEN = "qualtricsContactsSeen";
    /** Contact dates Qualtrics sends as epoch milliseconds; the catalog holds them as ISO-8601 UTC. */
    private static final List<String> EPOCH_MS = List.of("creationDate", "lastModified");

    @Inject
    QualtricsConfig config;

    @Inject
    QualtricsClient client;

    @Inject
    ObjectMapper json;

    /** The first message of a run: opens the replacement table, even if no contact comes. */
    public void start(Exchange exchange) {
        String directory = config.directoryId().orElseThrow();
        Map<String, String> query = new LinkedHashMap<>();
        query.put("pageSize", String.valueOf(config.pageSize()));
        query.put("useNewPaginationScheme", "true");
        QualtricsRequest first = QualtricsRequest.get(contactsPath(directory), QualtricsRequest.query(query));
        exchange.setProperty(SCAN, new PageScan(config.host().orElseThrow(), first, config.contactsLimit().orElse(null)));
        exchange.setProperty(SEEN, new HashSet<String>());
        catalogHeaders(exchange);
        exchange.getMessage().setBody(null);
    }

    public void nextRequest(Exchange exchange) {
        exchange.setProperty(QualtricsRequest.PROPERTY, scan(exchange).next());
    }

    /** A page's rows as catalog records (up to the limit); the scan moves on to its nextPage. */
    public void readPage(Exchange exchange) throws Exception {
        PageScan scan = scan(exchange);
        JsonNode result = json.readTree(exchange.getMessage().getBody(String.class)).path("result");
        JsonNode elements = result.path("elements");
        if (!elements.isArray()) {
            throw new IllegalStateException("Qualtrics answered a contacts page without result.elements");
        }
        List<ObjectNode> rows = new ArrayList<>(elements.size());
        int keep = scan.take(elements.size());
        @SuppressWarnings("unchecked")
        Set<String> seen = exchange.getProperty(SEEN, Set.class);
        Iterator<JsonNode> each = elements.iterator();
        for (int i = 0; i < keep; i++) {
            JsonNode row = each.next();
            if (!(row instanceof ObjectNode contact) || contact.path("contactId").asText("").isEmpty()) {
                throw new IllegalStateException("Qualtrics sent a contact without contactId");
            }
            // a contact created or changed during the pull can come on two pages: the table holds it once
            if (seen.add(contact.path("contactId").asText())) {
                rows.add(config.contactDetails() ? details(exchange, contact) : contact);
            }
        }
        JsonNode nextPage = result.path("nextPage");
        scan.follow(nextPage.isTextual() ? nextPage.asText() : null);
        exchange.getMessage().setBody(rows);
        catalogHeaders(exchange);
    }

    /** List rows are thin: a GET per contact adds embedded data, dates and mailing-list membership. */
    private ObjectNode details(Exchange exchange, ObjectNode row) {
        String path = contactsPath(config.directoryId().orElseThrow()) + "/" + row.path("contactId").asText();
        JsonNode full = client.call(QualtricsRequest.get(path, null), exchange).result();
        ObjectNode merged = row.deepCopy();
        if (full instanceof ObjectNode fields) {
            merged.setAll(fields);
        }
        for (String field : EPOCH_MS) {
            JsonNode value = merged.path(field);
            if (value.isNumber() || (value.isTextual() && value.asText().matches("\\d{10,}"))) {
                merged.put(field, Instant.ofEpochMilli(value.asLong()).toString());
            }
        }
        return merged;
    }

    static String contactsPath(String directory) {
        return "/directories/" + directory + "/contacts";
    }

    private static PageScan scan(Exchange exchange) {
        return exchange.getProperty(SCAN, PageScan.class);
    }

    private static void catalogHeaders(Exchange exchange) {
        exchange.getMessage().setHeader(Catalog.TABLE, TABLE);
        exchange.getMessage().setHeader(Catalog.TABLE_MODE, "replace");
        exchange.getMessage().setHeader(Catalog.KEY_FIELD, "contactId");
    }
}
