package io.feedbackhub.core.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.apache.camel.quarkus.main.events.AfterConfigure;
import org.eclipse.microprofile.config.Config;
import org.quartz.CronExpression;

import io.feedbackhub.core.connector.Connector;
import io.feedbackhub.core.connector.ConnectorRegistry;

/**
 * Checks the {@code hub.*} configuration once the routes are loaded and before any starts, and
 * stops the hub with one line per problem if anything is wrong. Types (booleans, the sink name)
 * are already checked by Quarkus config mapping; this adds the rules that span keys.
 */
@ApplicationScoped
public class HubConfigCheck {

    static final Set<String> CORE_KEYS = new TreeSet<>(
            List.of("hub.data-dir", "hub.catalog.sink", "hub.catalog.topic-prefix", "hub.kafka.brokers", "hub.kafka.replication-factor",
                    "hub.api.token", "hub.management.token", "hub.management.open", "hub.cluster.enabled", "hub.cluster.name",
                    "hub.cluster.member-id", "hub.cluster.session-timeout", "hub.log.format"));

    /** As for the command API's token: long enough that guessing it over HTTP is hopeless. */
    static final int MIN_TOKEN_LENGTH = 16;

    @Inject
    HubConfig hub;

    @Inject
    Config config;

    @Inject
    ConnectorRegistry registry;

    @Inject
    Instance<ConnectorConfigCheck> connectorChecks;

    void check(@Observes AfterConfigure configured) {
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            throw new InvalidConfig(problems, problems.stream().map(p -> p.substring(0, p.indexOf(':')))
                    .collect(Collectors.toSet()));
        }
    }

    List<String> problems() {
        ConfigProblems problems = new ConfigProblems(config);
        checkDataDir(problems);
        if (hub.catalog().sink() == HubConfig.CatalogSink.KAFKA) {
            problems.required("hub.kafka.brokers", "when hub.catalog.sink=kafka (host:port[,host:port...])")
                    .filter(brokers -> !brokers.matches("[^\\s,:]+:\\d+(\\s*,\\s*[^\\s,:]+:\\d+)*"))
                    .ifPresent(brokers -> problems.add("hub.kafka.brokers", "must be host:port[,host:port...], not '" + brokers + "'"));
        }
        if (!hub.catalog().topicPrefix().matches("[A-Za-z0-9._\\-]{0,200}")) {
            problems.add("hub.catalog.topic-prefix", "may hold only letters, digits, '.', '_' and '-' (Kafka topic names), not '"
                    + hub.catalog().topicPrefix() + "'");
        }
        if (!LogFormat.FORMATS.contains(LogFormat.normalised(hub.log().format()))) {
            problems.add("hub.log.format", "must be text or json, not '" + hub.log().format() + "'");
        }
        checkManagement(problems);
        checkCluster(problems);
        for (Connector connector : registry.all()) {
            checkConnector(connector, problems);
        }
        checkNames(problems);
        return problems.all();
    }

    /** A misspelt key would otherwise be ignored without a word. */
    private void checkNames(ConfigProblems problems) {
        Set<String> connectors = registry.all().stream().map(Connector::name).collect(Collectors.toCollection(TreeSet::new));
        for (String name : config.getPropertyNames()) {
            if (!name.startsWith("hub.") || CORE_KEYS.contains(name)) {
                continue;
            }
            String group = name.substring(4).split("\\.", 2)[0];
            if (!connectors.contains(group)) {
                problems.add(name, "is not a setting of the hub: core settings are " + String.join(", ", CORE_KEYS)
                        + (connectors.isEmpty() ? "" : ", connectors are hub." + String.join(".*, hub.", connectors) + ".*"));
            }
        }
    }

    private void checkCluster(ConfigProblems problems) {
        HubConfig.Cluster cluster = hub.cluster();
        hub.kafka().replicationFactor().filter(factor -> factor < 1)
                .ifPresent(factor -> problems.add("hub.kafka.replication-factor", "must be at least 1, not " + factor));
        if (cluster.enabled() && hub.catalog().sink() != HubConfig.CatalogSink.KAFKA) {
            problems.add("hub.cluster.enabled", "needs hub.catalog.sink=kafka: replicas share their state through Kafka");
        }
        if (!cluster.name().matches("[A-Za-z0-9._\\-]{1,200}")) {
            problems.add("hub.cluster.name", "may hold only letters, digits, '.', '_' and '-', not '" + cluster.name() + "'");
        }
        cluster.memberId().filter(id -> !id.matches("[A-Za-z0-9._\\-]{1,100}")).ifPresent(id -> problems.add("hub.cluster.member-id",
                "may hold only letters, digits, '.', '_' and '-' (at most 100), not '" + id + "'"));
        long timeout = cluster.sessionTimeout().toMillis();
        if (timeout < 6_000 || timeout > 1_800_000) {
            problems.add("hub.cluster.session-timeout", "must be between 6s and 30m (the broker's group session limits), not "
                    + cluster.sessionTimeout());
        }
    }

    private void checkManagement(ConfigProblems problems) {
        Optional<String> token = hub.management().token().filter(value -> !value.isBlank());
        token.filter(value -> value.length() < MIN_TOKEN_LENGTH).ifPresent(value -> problems.add("hub.management.token",
                "is " + value.length() + " characters; at least " + MIN_TOKEN_LENGTH + " are required"));
        String host = config.getOptionalValue(ManagementHostDefault.HOST, String.class).orElse("");
        if (token.isEmpty() && !hub.management().open() && !ManagementHostDefault.isLoopback(host)) {
            problems.add("hub.management.token", "is required when the management port listens beyond this machine ("
                    + ManagementHostDefault.HOST + "=" + host + ", as the container image sets): set HUB_MANAGEMENT_TOKEN (at least "
                    + MIN_TOKEN_LENGTH + " characters), or HUB_MANAGEMENT_OPEN=true to let anyone who reaches the port manage the hub");
        }
    }

    private void checkDataDir(ConfigProblems problems) {
        Path dir = hub.dataDir().toAbsolutePath();
        try {
            Files.createDirectories(dir);
            if (!Files.isWritable(dir)) {
                problems.add("hub.data-dir", "cannot write to " + dir);
            }
        } catch (IOException | SecurityException e) {
            problems.add("hub.data-dir", "cannot create " + dir + " (" + e.getMessage() + ")");
        }
    }

    private void checkConnector(Connector connector, ConfigProblems problems) {
        String prefix = "hub." + connector.name() + ".";
        problems.required(prefix + "enabled", "(true or false): it switches the " + connector.name() + " connector")
                .filter(value -> !value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false"))
                .ifPresent(value -> problems.add(prefix + "enabled", "must be true or false, not '" + value + "'"));
        if (connector.description().length() > Connector.MAX_DESCRIPTION) {
            problems.add(prefix + "description", "is " + connector.description().length()
                    + " characters; at most " + Connector.MAX_DESCRIPTION + " are allowed");
        }
        checkCron(prefix + "schedule", connector.schedule(), problems);
        checkCron(prefix + "full-sync-schedule", connector.fullSyncSchedule(), problems);
        if (connector.enabled()) {
            for (String key : connector.placeholders()) {
                problems.required(key, "by " + String.join(", ", connector.sources()));
            }
            connectorChecks.stream().filter(check -> check.connector().equals(connector.name()))
                    .forEach(check -> check.check(problems));
        }
    }

    private static void checkCron(String property, Optional<String> cron, ConfigProblems problems) {
        cron.filter(expression -> !expression.isBlank()).ifPresent(expression -> {
            try {
                CronExpression.validateExpression(expression);
            } catch (ParseException e) {
                problems.add(property, "is not a valid Quartz cron expression ('" + expression + "': " + e.getMessage() + ")");
            }
        });
    }
}
