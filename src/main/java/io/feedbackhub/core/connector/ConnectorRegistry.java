package io.feedbackhub.core.connector;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.eclipse.microprofile.config.Config;

/**
 * Knows the connectors: every route group in the Camel context is one. Nothing is registered by
 * hand, so a connector exists as soon as its YAML file in {@code routes/} does.
 */
@ApplicationScoped
public class ConnectorRegistry {

    @Inject
    CamelContext camel;

    @Inject
    Config config;

    private volatile Map<String, Connector> connectors;

    public Collection<Connector> all() {
        return connectors().values();
    }

    public Optional<Connector> find(String name) {
        return Optional.ofNullable(connectors().get(name));
    }

    private Map<String, Connector> connectors() {
        Map<String, Connector> known = connectors;
        if (known == null) {
            known = discover();
            connectors = known;
        }
        return known;
    }

    /** Reads the route definitions (not the running routes) so disabled connectors are seen too. */
    Map<String, Connector> discover() {
        Map<String, List<RouteDefinition>> byGroup = new TreeMap<>();
        for (RouteDefinition route : ((ModelCamelContext) camel).getRouteDefinitions()) {
            if (route.getGroup() != null && !route.getGroup().isBlank()) {
                byGroup.computeIfAbsent(route.getGroup(), g -> new ArrayList<>()).add(route);
            }
        }
        Map<String, Connector> found = new LinkedHashMap<>();
        byGroup.forEach((name, routes) -> found.put(name, describe(name, routes)));
        return found;
    }

    private Connector describe(String name, List<RouteDefinition> routes) {
        String prefix = "hub." + name + ".";
        String runUri = Connector.runEndpoint(name);
        boolean runnable = routes.stream().anyMatch(r -> r.getInput() != null
                && runUri.equals(r.getInput().getEndpointUri()));
        return new Connector(name,
                config.getOptionalValue(prefix + "enabled", Boolean.class).orElse(false),
                config.getOptionalValue(prefix + "description", String.class).orElse(""),
                config.getOptionalValue(prefix + "schedule", String.class),
                config.getOptionalValue(prefix + "full-sync-schedule", String.class),
                routes.stream().map(RouteDefinition::getRouteId).toList(),
                runnable);
    }
}
