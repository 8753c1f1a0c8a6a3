package io.feedbackhub.wootric;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.feedbackhub.client.wootric.WootricRequest;
import io.feedbackhub.core.catalog.Catalog;
import io.feedbackhub.core.catalog.FileCatalog;
import io.feedbackhub.core.run.ConnectorRuns;
import io.feedbackhub.core.run.RunMode;
import io.feedbackhub.core.state.SyncState;

/**
 * The steps of {@code routes/wootric.camel.yaml}: plans a run's streams, turns each into requests,
 * pages into catalog records, and keeps the bookmarks.
 *
 * <p>Bookmarks per stream: {@code synced-to}, the start of the last complete run (every row before
 * it is in the catalog), and {@code cursor}, how far an unfinished run got.
 */
@ApplicationScoped
@Named("wootricPull")
public class WootricPull {

    private static final Logger LOG = Logger.getLogger(WootricPull.class);

    static final String CONNECTOR = "wootric";
    static final String SCAN = "wootricScan";
    static final String SYNCED_TO = "synced-to";
    static final String CURSOR = "cursor";
    /** Versions (id@updated_at) the last complete run read within the margin before its end. */
    static final String RECENT = "recent";

    @Inject
    WootricConfig config;

    @Inject
    SyncState state;

    @Inject
    FileCatalog catalog;

    @Inject
    ObjectMapper json;

    /** One scan per configured stream, from its bookmark (incremental) or the start date (full). */
    public List<StreamScan> plan(Exchange exchange) {
        RunMode mode = RunMode.parse(exchange.getProperty(ConnectorRuns.RUN_MODE, String.class)).orElse(RunMode.INCREMENTAL);
        long runStart = Instant.now().getEpochSecond();
        long startDate = config.startDate().orElseThrow().atStartOfDay(ZoneOffset.UTC).toEpochSecond();
        long window = config.window().map(w -> Math.max(1, w.toSeconds())).orElse(Long.MAX_VALUE);
        long margin = config.margin().toSeconds();
        List<StreamScan> scans = new ArrayList<>();
        for (String name : config.streams()) {
            WootricStream stream = WootricStream.byName(name.trim()).orElseThrow();
            String table = config.tablePrefix().orElse("") + settings(name).flatMap(WootricConfig.StreamSettings::table)
                    .orElse("wootric_" + stream.apiName());
            WootricConfig.SyncType type = settings(name).flatMap(WootricConfig.StreamSettings::syncType).orElse(config.syncType());
            if (mode == RunMode.FULL || type == WootricConfig.SyncType.FULL_TABLE) {
                scans.add(new StreamScan(stream, table, true, startDate, runStart, window, null, Set.of()).remembering(runStart - margin));
                continue;
            }
            Long syncedTo = bookmark(stream, SYNCED_TO).map(Long::parseLong).orElse(null);
            StreamScan.Cursor cursor = bookmark(stream, CURSOR).map(StreamScan.Cursor::parse).orElse(null);
            long from = startDate;
            Long changedSince = null;
            Set<String> written = new HashSet<>();
            if (syncedTo != null) {
                // rows that became visible after the last run read past them are in the margin before its end
                long lateFrom = syncedTo - margin;
                from = Math.max(startDate, stream.usesLookback() ? syncedTo - config.responsesLookback().toSeconds() : lateFrom);
                changedSince = stream.usesLookback() ? lateFrom : null;
            }
            if (syncedTo != null || cursor != null) {
                // the margin versions the last complete run read, or those an unfinished one (even the very first) has written
                bookmark(stream, RECENT).ifPresent(recent -> written.addAll(List.of(recent.split(","))));
            }
            Set<Long> skip = Set.of();
            if (cursor != null && cursor.second() > from) {
                // an unfinished run got this far: go on from there, past what it wrote after its last bookmark
                from = cursor.second();
                skip = cursor.ids();
                catalog.tail(table, 2 * StreamScan.PER_PAGE).stream().map(StreamScan::version).forEach(written::add);
            }
            LOG.infof("wootric: %s from %s (synced to %s, %s, %d versions known written)", stream.apiName(), Instant.ofEpochSecond(from),
                    syncedTo == null ? "never" : Instant.ofEpochSecond(syncedTo), cursor == null ? "no cursor" : "cursor " + cursor.second(),
                    written.size());
            scans.add(new StreamScan(stream, table, false, from, runStart, window, changedSince, skip)
                    .alreadyWritten(written).remembering(runStart - margin));
        }
        return scans;
    }

    /** The first message of a stream: opens the replacement copy of a full-table stream, even if no row comes. */
    public void startTable(Exchange exchange) {
        StreamScan scan = scan(exchange);
        catalogHeaders(exchange, scan);
        exchange.getMessage().setBody(null);
    }

    public void nextRequest(Exchange exchange) {
        exchange.setProperty(WootricRequest.PROPERTY, scan(exchange).nextRequest());
    }

    /** The API's page (a JSON array) into the records still to write, with catalog headers. */
    public void readPage(Exchange exchange) throws Exception {
        StreamScan scan = scan(exchange);
        String body = exchange.getMessage().getBody(String.class);
        // a look-up's 404 (an end user gone since it was listed) has no rows
        JsonNode page = body == null || body.isBlank() ? json.createArrayNode() : json.readTree(body);
        if (!page.isArray()) {
            throw new IllegalStateException("Wootric answered " + scan.stream().apiName() + " with " + page.getNodeType() + ", not a list");
        }
        List<ObjectNode> rows = new ArrayList<>(page.size());
        for (JsonNode row : page) {
            rows.add(propertiesAsText(WootricDates.normalise((ObjectNode) row)));
        }
        exchange.getMessage().setBody(scan.accept(rows));
        catalogHeaders(exchange, scan);
    }

    /**
     * A response's or decline's {@code end_user.properties} (the properties when the survey was
     * taken) is stored as JSON text, as the catalog's field list has it: its keys are the customer's
     * own and vary from row to row.
     */
    private static ObjectNode propertiesAsText(ObjectNode row) {
        if (row.get("end_user") instanceof ObjectNode endUser && endUser.get("properties") instanceof ObjectNode properties) {
            endUser.put("properties", properties.toString());
        }
        return row;
    }

    /** After the page is in the catalog: remember how far the stream got. */
    public void commitPage(Exchange exchange) {
        StreamScan scan = scan(exchange);
        // with the versions read in the margin so far: a run that resumes from this cursor skips them, and passes them on
        Map<String, String> bookmarks = new LinkedHashMap<>();
        bookmarks.put(CURSOR, scan.cursor().format());
        bookmarks.put(RECENT, String.join(",", scan.recent()));
        state.commit(exchange, scan.stream().apiName(), bookmarks);
    }

    /** The stream is complete up to the run's start. */
    public void finishStream(Exchange exchange) {
        StreamScan scan = scan(exchange);
        catalogHeaders(exchange, scan);
        // together: a stream marked synced to its end with the versions read in its margin
        Map<String, String> bookmarks = new LinkedHashMap<>();
        bookmarks.put(SYNCED_TO, String.valueOf(scan.end()));
        bookmarks.put(RECENT, String.join(",", scan.recent()));
        bookmarks.put(CURSOR, "");
        state.commit(exchange, scan.stream().apiName(), bookmarks);
    }

    private Optional<String> bookmark(WootricStream stream, String name) {
        return state.get(CONNECTOR, stream.apiName(), name).filter(v -> !v.isBlank());
    }

    private Optional<WootricConfig.StreamSettings> settings(String stream) {
        return Optional.ofNullable(config.stream().get(stream));
    }

    private static StreamScan scan(Exchange exchange) {
        return exchange.getProperty(SCAN, StreamScan.class);
    }

    private static void catalogHeaders(Exchange exchange, StreamScan scan) {
        exchange.getMessage().setHeader(Catalog.TABLE, scan.table());
        exchange.getMessage().setHeader(Catalog.TABLE_MODE, scan.replace() ? "replace" : "append");
        exchange.getMessage().setHeader(Catalog.KEY_FIELD, "id");
    }
}
