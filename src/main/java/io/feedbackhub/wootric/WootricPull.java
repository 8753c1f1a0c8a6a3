package io.feedbackhub.wootric;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;

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

    static final String CONNECTOR = "wootric";
    static final String SCAN = "wootricScan";
    static final String SYNCED_TO = "synced-to";
    static final String CURSOR = "cursor";

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
        List<StreamScan> scans = new ArrayList<>();
        for (String name : config.streams()) {
            WootricStream stream = WootricStream.byName(name.trim()).orElseThrow();
            String table = config.tablePrefix().orElse("") + settings(name).flatMap(WootricConfig.StreamSettings::table)
                    .orElse("wootric_" + stream.apiName());
            WootricConfig.SyncType type = settings(name).flatMap(WootricConfig.StreamSettings::syncType).orElse(config.syncType());
            if (mode == RunMode.FULL || type == WootricConfig.SyncType.FULL_TABLE) {
                scans.add(new StreamScan(stream, table, true, startDate, runStart, window, null, Set.of()));
                continue;
            }
            Long syncedTo = bookmark(stream, SYNCED_TO).map(Long::parseLong).orElse(null);
            StreamScan.Cursor cursor = bookmark(stream, CURSOR).map(StreamScan.Cursor::parse).orElse(null);
            long from = syncedTo == null ? startDate : syncedTo;
            Long changedSince = null;
            if (stream.usesLookback() && syncedTo != null) {
                from = Math.max(startDate, syncedTo - config.responsesLookback().toSeconds());
                changedSince = syncedTo;
            }
            Set<Long> skip = Set.of();
            Set<String> written = Set.of();
            if (cursor != null && cursor.second() > from) {
                // an unfinished run got this far: go on from there, past what it wrote after its last bookmark
                from = cursor.second();
                skip = cursor.ids();
                written = catalog.tail(table, 2 * StreamScan.PER_PAGE).stream().map(StreamScan::version).collect(Collectors.toSet());
            }
            scans.add(new StreamScan(stream, table, false, from, runStart, window, changedSince, skip).alreadyWritten(written));
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
        JsonNode page = json.readTree(exchange.getMessage().getBody(String.class));
        if (!page.isArray()) {
            throw new IllegalStateException("Wootric answered " + scan.stream().apiName() + " with " + page.getNodeType() + ", not a list");
        }
        List<ObjectNode> rows = new ArrayList<>(page.size());
        for (JsonNode row : page) {
            rows.add(WootricDates.normalise((ObjectNode) row));
        }
        exchange.getMessage().setBody(scan.accept(rows));
        catalogHeaders(exchange, scan);
    }

    /** After the page is in the catalog: remember how far the stream got. */
    public void commitPage(Exchange exchange) {
        StreamScan scan = scan(exchange);
        state.commit(exchange, scan.stream().apiName(), CURSOR, scan.cursor().format());
    }

    /** The stream is complete up to the run's start. */
    public void finishStream(Exchange exchange) {
        StreamScan scan = scan(exchange);
        catalogHeaders(exchange, scan);
        state.commit(exchange, scan.stream().apiName(), SYNCED_TO, String.valueOf(scan.end()));
        state.commit(exchange, scan.stream().apiName(), CURSOR, "");
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
