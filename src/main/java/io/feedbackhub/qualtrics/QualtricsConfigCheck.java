package io.feedbackhub.qualtrics;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.feedbackhub.core.catalog.RemovalLimit;
import io.feedbackhub.core.config.ConfigProblems;
import io.feedbackhub.core.config.ConnectorConfigCheck;
import io.feedbackhub.core.config.HubConfig;

/** What the qualtrics connector needs before it may start, and its contacts table's removal limit. */
@ApplicationScoped
public class QualtricsConfigCheck implements ConnectorConfigCheck, RemovalLimit {

    @Inject
    QualtricsConfig config;

    @Inject
    HubConfig hub;

    @Override
    public String connector() {
        return QualtricsApiRoutes.GROUP;
    }

    @Override
    public void check(ConfigProblems problems) {
        if (config.baseUrl().isEmpty() && config.datacenter().isEmpty()) {
            problems.add("hub.qualtrics.datacenter", "is required when hub.qualtrics.enabled=true (the account's datacenter id, such as fra1),"
                    + " unless hub.qualtrics.base-url is set");
        }
        config.datacenter().filter(dc -> !dc.matches("[a-z]{2,4}\\d{0,2}"))
                .ifPresent(dc -> problems.add("hub.qualtrics.datacenter", "must be a datacenter id such as fra1 or iad1, not '" + dc + "'"));
        config.baseUrl().filter(url -> !url.matches("https?://[^\\s/?#]+/*"))
                .ifPresent(url -> problems.add("hub.qualtrics.base-url", "must be http(s)://host[:port] without a path, not '" + url + "'"));
        boolean client = config.clientId().isPresent() || config.clientSecret().isPresent();
        if (config.apiToken().isPresent() && client) {
            problems.add("hub.qualtrics.api-token", "and hub.qualtrics.client-id/client-secret are both set; use one of them");
        } else if (client) {
            if (config.clientId().isEmpty()) {
                problems.add("hub.qualtrics.client-id", "is required with hub.qualtrics.client-secret");
            }
            if (config.clientSecret().isEmpty()) {
                problems.add("hub.qualtrics.client-secret", "is required with hub.qualtrics.client-id");
            }
        } else if (config.apiToken().isEmpty()) {
            problems.add("hub.qualtrics.api-token", "is required (or hub.qualtrics.client-id and client-secret) when hub.qualtrics.enabled=true");
        }
        if (config.directoryId().isEmpty()) {
            problems.add("hub.qualtrics.directory-id", "is required when hub.qualtrics.enabled=true (the XM Directory, POOL_...)");
        }
        config.directoryId().filter(id -> !id.matches("POOL_[A-Za-z0-9]+"))
                .ifPresent(id -> problems.add("hub.qualtrics.directory-id", "must be a directory id (POOL_...), not '" + id + "'"));
        config.contactsLimit().filter(limit -> limit < 1)
                .ifPresent(limit -> problems.add("hub.qualtrics.contacts-limit", "must be at least 1 (unset for all contacts)"));
        if (config.pageSize() < 1 || config.pageSize() > 1000) {
            problems.add("hub.qualtrics.page-size", "must be between 1 and 1000");
        }
        if (config.retries() < 0) {
            problems.add("hub.qualtrics.retries", "must not be negative");
        }
        if (config.maxRemovalPercent() < 0 || config.maxRemovalPercent() > 100) {
            problems.add("hub.qualtrics.max-removal-percent", "must be 0-100, not " + config.maxRemovalPercent());
        }
        if (hub.api().token().filter(token -> token.length() >= 16).isEmpty()) {
            problems.add("hub.api.token", "is required when hub.qualtrics.enabled=true (the bearer token of the /qualtrics command API),"
                    + " at least 16 characters");
        }
        if (config.commandMemory().toHours() < 1) {
            problems.add("hub.qualtrics.command-memory", "must be at least 1h (a command repeated later than this is carried out again)");
        }
        if (config.commandMemoryTopic().isBlank()) {
            problems.add("hub.qualtrics.command-memory-topic", "must not be empty");
        }
        checkWebhook(problems);
        config.commandsTopic().filter(topic -> hub.kafka().brokers().isEmpty())
                .ifPresent(topic -> problems.add("hub.qualtrics.commands-topic", "needs hub.kafka.brokers (the Kafka cluster it is on)"));
    }

    @Override
    public int maxRemovalPercent() {
        return config.maxRemovalPercent();
    }

    private void checkWebhook(ConfigProblems problems) {
        QualtricsConfig.Webhook webhook = config.webhook();
        boolean subscribing = webhook.surveyIds().map(ids -> ids.stream().anyMatch(id -> !id.isBlank())).orElse(false);
        webhook.surveyIds().ifPresent(ids -> ids.stream().map(String::trim).filter(id -> !id.matches("SV_[A-Za-z0-9]+"))
                .forEach(id -> problems.add("hub.qualtrics.webhook.survey-ids", "'" + id + "' is not a survey id (SV_...)")));
        if (subscribing && webhook.publicUrl().isEmpty()) {
            problems.add("hub.qualtrics.webhook.public-url", "is required with hub.qualtrics.webhook.survey-ids (the URL Qualtrics posts to)");
        }
        webhook.publicUrl().filter(url -> !url.matches("https?://\\S+"))
                .ifPresent(url -> problems.add("hub.qualtrics.webhook.public-url", "must be an http(s) URL, not '" + url + "'"));
        if (subscribing && webhook.sharedKey().filter(key -> key.length() >= 8).isEmpty()) {
            problems.add("hub.qualtrics.webhook.shared-key", "is required with hub.qualtrics.webhook.survey-ids, at least 8 characters"
                    + " (every delivery is signed with it)");
        }
        if (webhook.journalPartitions() < 1 || webhook.journalPartitions() > 1000) {
            problems.add("hub.qualtrics.webhook.journal-partitions", "must be between 1 and 1000");
        }
    }
}
