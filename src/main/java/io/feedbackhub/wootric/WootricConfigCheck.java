package io.feedbackhub.wootric;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.feedbackhub.client.wootric.WootricConnection;
import io.feedbackhub.core.catalog.RemovalLimit;
import io.feedbackhub.core.config.ConfigProblems;
import io.feedbackhub.core.config.ConnectorConfigCheck;

/** What the wootric connector needs before it may start, and its tables' removal limit. */
@ApplicationScoped
public class WootricConfigCheck implements ConnectorConfigCheck, RemovalLimit {

    @Inject
    WootricConfig config;

    @Inject
    WootricConnection connection;

    @Override
    public String connector() {
        return WootricPull.CONNECTOR;
    }

    @Override
    public void check(ConfigProblems problems) {
        if (config.startDate().isEmpty()) {
            problems.add("hub.wootric.start-date", "is required when hub.wootric.enabled=true (an ISO date such as 2024-01-01)");
        }
        if (!connection.baseUrl().matches("https?://[^\\s/]+(/[^\\s]*)?")) {
            problems.add("hub.wootric.base-url", "must be an http(s) URL, not '" + connection.baseUrl() + "'");
        }
        boolean password = connection.username().isPresent() || connection.password().isPresent();
        boolean client = connection.clientId().isPresent() || connection.clientSecret().isPresent();
        if (password) {
            if (connection.username().isEmpty()) {
                problems.add("hub.wootric.username", "is required with hub.wootric.password");
            }
            if (connection.password().isEmpty()) {
                problems.add("hub.wootric.password", "is required with hub.wootric.username");
            }
        } else if (client) {
            if (connection.clientId().isEmpty()) {
                problems.add("hub.wootric.client-id", "is required with hub.wootric.client-secret");
            }
            if (connection.clientSecret().isEmpty()) {
                problems.add("hub.wootric.client-secret", "is required with hub.wootric.client-id");
            }
        } else {
            problems.add("hub.wootric.username", "is required (with hub.wootric.password), or set hub.wootric.client-id and hub.wootric.client-secret");
        }
        if (config.streams().isEmpty()) {
            problems.add("hub.wootric.streams", "names no stream; use end_users, responses, declines");
        }
        for (String stream : config.streams()) {
            if (WootricStream.byName(stream.trim()).isEmpty()) {
                problems.add("hub.wootric.streams", "'" + stream + "' is not a stream; use end_users, responses, declines");
            }
        }
        config.stream().keySet().stream().filter(name -> WootricStream.byName(name).isEmpty())
                .forEach(name -> problems.add("hub.wootric.stream." + name, "is not a stream; use end_users, responses, declines"));
        if (config.responsesLookback().isNegative()) {
            problems.add("hub.wootric.responses-lookback", "must not be negative");
        }
        if (config.margin().isNegative() || config.margin().compareTo(Duration.ofDays(1)) > 0) {
            problems.add("hub.wootric.margin", "must be between 0 and 1 day (it is re-read on every incremental run)");
        }
        if (config.maxRemovalPercent() < 0 || config.maxRemovalPercent() > 100) {
            problems.add("hub.wootric.max-removal-percent", "must be 0-100, not " + config.maxRemovalPercent());
        }
    }

    @Override
    public int maxRemovalPercent() {
        return config.maxRemovalPercent();
    }
}
