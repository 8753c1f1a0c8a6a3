package io.feedbackhub.core.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.List;
import java.util.Optional;

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
                    .collect(java.util.stream.Collectors.toSet()));
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
        for (Connector connector : registry.all()) {
            checkConnector(connector, problems);
        }
        return problems.all();
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
