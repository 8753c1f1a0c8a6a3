package io.feedbackhub.core.connector;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.eclipse.microprofile.config.Config;

/**
 * Knows the connectors: every route group in the Camel context is one. Nothing is registered by
 * hand, so a connector exists as soon as its YAML file in {@code routes/} does.
 */
@ApplicationScoped
public class ConnectorRegistry {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(hub\\.[A-Za-z0-9_.\\-]+)}}");

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
        Set<String> placeholders = new TreeSet<>();
        Set<String> sources = new TreeSet<>();
        // route files only: a Java RouteBuilder's "resource" is its class
        routes.stream().map(RouteDefinition::getResource).filter(Objects::nonNull)
                .filter(resource -> resource.getLocation().matches(".*\\.(yaml|yml|xml)")).distinct().forEach(resource -> {
            sources.add(resource.getLocation());
            placeholders.addAll(placeholders(resource));
        });
        return new Connector(name,
                config.getOptionalValue(prefix + "enabled", String.class).map(Boolean::parseBoolean).orElse(false),
                config.getOptionalValue(prefix + "description", String.class).orElse(""),
                config.getOptionalValue(prefix + "schedule", String.class).filter(s -> !s.isBlank()),
                config.getOptionalValue(prefix + "full-sync-schedule", String.class).filter(s -> !s.isBlank()),
                routes.stream().map(RouteDefinition::getRouteId).toList(),
                runnable, placeholders, sources);
    }

    /** The {@code {{hub.x}}} placeholders of a route file that have no default ({@code {{hub.x:d}}}) and are not optional ({@code {{?hub.x}}}). */
    private static Set<String> placeholders(Resource resource) {
        Set<String> keys = new TreeSet<>();
        try (InputStream in = resource.getInputStream()) {
            Matcher m = PLACEHOLDER.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            while (m.find()) {
                keys.add(m.group(1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource.getLocation(), e);
        }
        return keys;
    }
}
