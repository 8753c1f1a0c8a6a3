package io.feedbackhub.core.metrics;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import io.feedbackhub.core.run.Run;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts the records written to a {@code <connector>_dead_letters} table, by connector and reason.
 * The reason tag is the code a dead letter's {@code reason} starts with ({@code no_email: ...} →
 * {@code no_email}), so the free text after it, which may name a user, never becomes a tag;
 * a reason without such a code counts as {@code other}.
 */
@ApplicationScoped
public class DeadLetterMetrics {

    private static final Pattern CODE = Pattern.compile("([a-z][a-z0-9_]{0,39})(:.*)?", Pattern.DOTALL);

    @Inject
    MeterRegistry registry;

    /** Counts the records of a batch just written to {@code table}, if it is a dead-letter table. */
    public void written(String table, Iterable<JsonNode> records) {
        if (table == null || !table.endsWith(Run.DEAD_LETTER_SUFFIX)) {
            return;
        }
        String connector = table.substring(0, table.length() - Run.DEAD_LETTER_SUFFIX.length());
        for (JsonNode record : records) {
            Counter.builder("hub.dead.letters").description("Records written to a connector's dead-letter table, by reason")
                    .tags("connector", connector, "reason", reason(record.path("reason").asText(""))).register(registry).increment();
        }
    }

    static String reason(String text) {
        Matcher code = CODE.matcher(text);
        return code.matches() ? code.group(1) : "other";
    }
}
