package io.feedbackhub.core.catalog;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.core.run.ConnectorRuns;
import io.feedbackhub.core.run.Run;

/**
 * The mass-removal guard of replaced tables, for connectors that declare a {@link RemovalLimit}.
 * When such a run has succeeded, before any of its deferred work (table swaps or publishing,
 * held-back appends, bookmarks), every table it replaces is compared with the table as it is: if
 * the new copy lacks more than {@code hub.<connector>.max-removal-percent} of the current rows
 * (by key), the run is held, that is failed with nothing of that work done, unless it was started
 * with the run option {@code confirm-removals=true}. One wrong answer of a source (a 200 with an
 * empty list for a wrong token) must not empty a table.
 */
@ApplicationScoped
public class RemovalGuard {

    public static final String CONFIRM_OPTION = "confirm-removals";
    private static final String HELD = "HELD by the mass-removal guard, nothing of this run was applied: ";

    @Inject
    HubConfig config;

    @Inject
    FileCatalog files;

    @Inject
    KafkaStaging staging;

    @Inject
    Instance<RemovalLimit> limits;

    /** The new copies of the guarded runs in progress, by run id. */
    private final Map<String, Watch> watched = new ConcurrentHashMap<>();

    /** A replace batch of a run: its keys join the run's new copy of that table (an empty one starts it). */
    void replacing(Exchange exchange, Run run, RecordBatch batch) {
        Watch watch = watched.computeIfAbsent(run.id(), id -> watch(exchange, run));
        if (watch != null) {
            watch.add(batch, exchange.getMessage().getHeader(Catalog.KEY_FIELD, "id", String.class));
        }
    }

    /** The watch of a run of a guarded connector, its check registered; null for another connector's run. */
    private Watch watch(Exchange exchange, Run run) {
        Optional<RemovalLimit> limit = limits.stream().filter(l -> l.connector().equals(run.connector())).findFirst();
        if (limit.isEmpty()) {
            return null;
        }
        Watch watch = new Watch(run, limit.get().maxRemovalPercent(), confirmed(exchange));
        run.checkBeforeSuccess(() -> check(watch));
        run.onFailure(() -> watched.remove(run.id()));
        return watch;
    }

    private void check(Watch watch) {
        watched.remove(watch.run.id());
        StringBuilder over = new StringBuilder();
        Map<String, Copy> tables;
        synchronized (watch) {
            tables = new LinkedHashMap<>(watch.tables);
        }
        tables.forEach((table, copy) -> {
            KeyHashes current = current(watch.run, table, copy.keyField);
            long rows = current.count();
            long removed = current.absentFrom(copy.keys);
            if (rows > 0 && removed * 100 > (long) watch.limit * rows) {
                over.append(over.isEmpty() ? "" : "; ").append(String.format(Locale.ROOT,
                        "%s: %,d rows would become %,d (%s %% removed), more than hub.%s.max-removal-percent=%d",
                        table, rows, copy.keys.count(), percent(removed, rows), watch.run.connector(), watch.limit));
            }
        });
        if (over.isEmpty()) {
            return;
        }
        if (watch.confirmed) {
            // the run log shows the note and logs it at WARN when the run ends
            watch.run.note("removals confirmed with " + CONFIRM_OPTION + "=true: " + over);
            return;
        }
        watch.run.hold(over.toString());
        throw new IllegalStateException(HELD + over + ". If these removals are meant: POST /hub/connectors/" + watch.run.connector()
                + "/run?mode=" + watch.run.mode().label() + "&" + CONFIRM_OPTION + "=true");
    }

    /** The table as readers see it now: the file, or on Kafka the keys of its last published copy. */
    private KeyHashes current(Run run, String table, String keyField) {
        return config.catalog().sink() == HubConfig.CatalogSink.KAFKA ? staging.publishedKeys(run, table) : files.keys(table, keyField);
    }

    private static boolean confirmed(Exchange exchange) {
        Map<?, ?> options = exchange.getProperty(ConnectorRuns.OPTIONS, Map.class);
        return options != null && "true".equalsIgnoreCase(String.valueOf(options.get(CONFIRM_OPTION)));
    }

    /** Rounded up to a tenth, so a share just over the limit never reads as the limit itself. */
    private static String percent(long removed, long rows) {
        double tenths = Math.ceil(removed * 1000.0 / rows);
        return tenths % 10 == 0 ? String.valueOf((long) tenths / 10) : String.valueOf(tenths / 10);
    }

    private static final class Watch {
        final Run run;
        final int limit;
        final boolean confirmed;
        final Map<String, Copy> tables = new LinkedHashMap<>();

        Watch(Run run, int limit, boolean confirmed) {
            this.run = run;
            this.limit = limit;
            this.confirmed = confirmed;
        }

        synchronized void add(RecordBatch batch, String keyField) {
            Copy copy = tables.computeIfAbsent(batch.table(), t -> new Copy(keyField));
            batch.records().forEach(record -> copy.keys.add(record.key()));
        }
    }

    private record Copy(String keyField, KeyHashes keys) {
        Copy(String keyField) {
            this(keyField, new KeyHashes());
        }
    }
}
