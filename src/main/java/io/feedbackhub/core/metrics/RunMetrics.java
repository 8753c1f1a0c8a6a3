package io.feedbackhub.core.metrics;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * What an operator's board watches of connector runs: how long they take (a histogram), and when
 * each connector and each of its streams last succeeded (epoch seconds, so a Prometheus alert can
 * say {@code time() - hub_connector_last_success_timestamp_seconds > 3600}). Tags are the
 * connector, stream, mode and status names only: a handful of values each, never user data.
 */
@ApplicationScoped
public class RunMetrics {

    @Inject
    MeterRegistry registry;

    /** The gauges' live values: the registry holds them weakly, so they are kept here. */
    private final Map<String, AtomicLong> connectorSuccess = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> streamSuccess = new ConcurrentHashMap<>();
    /** Removed at stop: a registry that outlives the application would keep serving its old values. */
    private final List<Meter> gauges = new CopyOnWriteArrayList<>();

    @PreDestroy
    void close() {
        gauges.forEach(registry::remove);
    }

    /** A finished run: its duration, and for a success, the time it ended for its connector and the streams it advanced. */
    public void finished(String connector, String mode, String status, Instant started, Instant finished, Iterable<String> streams,
            boolean succeeded) {
        Timer.builder("hub.connector.run.duration").description("Duration of connector runs, by outcome")
                .tags("connector", connector, "mode", mode, "status", status)
                .publishPercentileHistogram().minimumExpectedValue(java.time.Duration.ofMillis(10))
                .maximumExpectedValue(java.time.Duration.ofHours(6))
                .register(registry).record(java.time.Duration.between(started, finished).toNanos(), TimeUnit.NANOSECONDS);
        if (succeeded) {
            succeeded(connector, finished);
            for (String stream : streams) {
                gauge(streamSuccess, connector + "\n" + stream, "hub.stream.last.success.timestamp",
                        "When a successful run last advanced the stream's bookmark (epoch seconds)",
                        Tags.of("connector", connector, "stream", stream)).set(finished.getEpochSecond());
            }
        }
    }

    /** The connector's last success as the run log remembers it (at start, from the run log). */
    public void succeeded(String connector, Instant finished) {
        AtomicLong value = gauge(connectorSuccess, connector, "hub.connector.last.success.timestamp",
                "When the connector's last successful run ended (epoch seconds)", Tags.of("connector", connector));
        value.accumulateAndGet(finished.getEpochSecond(), Math::max);
    }

    private AtomicLong gauge(Map<String, AtomicLong> values, String key, String name, String description, Tags tags) {
        return values.computeIfAbsent(key, k -> {
            AtomicLong value = new AtomicLong();
            gauges.add(Gauge.builder(name, value, AtomicLong::doubleValue).description(description).tags(tags).baseUnit("seconds")
                    .register(registry));
            return value;
        });
    }
}
