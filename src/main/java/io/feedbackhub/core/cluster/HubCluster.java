package io.feedbackhub.core.cluster;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterEventListener;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.impl.cluster.ClusteredRoutePolicy;
import org.apache.camel.quarkus.main.events.AfterConfigure;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.support.RoutePolicySupport;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.core.connector.Connector;
import io.feedbackhub.core.connector.ConnectorRegistry;
import io.feedbackhub.core.kafka.KafkaTransactions;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The hub's replicas as one cluster ({@code hub.cluster.enabled}): each runnable connector is a
 * namespace of {@link KafkaClusterService}, whose leader alone runs it. Off, every replica is its
 * own leader, as a single hub always was.
 */
@ApplicationScoped
public class HubCluster {

    @Inject
    HubConfig config;

    @Inject
    CamelContext camel;

    @Inject
    ConnectorRegistry registry;

    @Inject
    MeterRegistry meters;

    @Inject
    KafkaTransactions transactions;

    private KafkaClusterService service;

    public boolean enabled() {
        return config.cluster().enabled();
    }

    /**
     * The route policy that starts a connector's schedule routes only on its leader, and stops them
     * when another member takes over.
     */
    public Optional<RoutePolicy> schedulePolicy(String connector) throws Exception {
        if (!enabled()) {
            return Optional.empty();
        }
        return Optional.of(ClusteredRoutePolicy.forNamespace(service(), connector));
    }

    /**
     * {@link #schedulePolicy} for a connector's route that a route file names
     * ({@code routePolicy: <a bean of it>}): off the cluster, a policy that changes nothing.
     */
    public RoutePolicy leaderPolicy(String connector) throws Exception {
        return schedulePolicy(connector).orElseGet(() -> new RoutePolicySupport() {
        });
    }

    /** Whether this member may run the connector now. */
    public boolean leads(String connector) {
        return !enabled() || !service().namespaces().contains(connector) || service().isLeader(connector);
    }

    /** The member that leads the connector, if the cluster is on and one does. */
    public Optional<String> leaderOf(String connector) {
        if (!enabled() || !service().namespaces().contains(connector)) {
            return Optional.empty();
        }
        return service().leaderOf(connector);
    }

    /** This member's id, if the cluster is on. */
    public Optional<String> self() {
        return enabled() ? Optional.of(service().memberId()) : Optional.empty();
    }

    /** {@code GET /hub/cluster}: this member, the members, each connector's leader. */
    public Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("enabled", enabled());
        if (!enabled()) {
            return view;
        }
        KafkaClusterService cluster = service();
        view.put("name", config.cluster().name());
        view.put("self", cluster.memberId());
        view.put("members", cluster.members());
        Map<String, Object> connectors = new LinkedHashMap<>();
        for (String connector : cluster.namespaces()) {
            connectors.put(connector, Map.of("leader", cluster.leaderOf(connector).orElse("")));
        }
        view.put("connectors", connectors);
        return view;
    }

    /** After the configuration check, before the connectors' routes are arranged (they take its policies). */
    void start(@Observes @Priority(Interceptor.Priority.APPLICATION + 900) AfterConfigure configured) throws Exception {
        if (enabled()) {
            service = create();
        }
    }

    private KafkaClusterService service() {
        if (service == null) {
            throw new IllegalStateException("the cluster service is not set up yet");
        }
        return service;
    }

    private KafkaClusterService create() throws Exception {
        HubConfig.Cluster cluster = config.cluster();
        List<String> connectors = registry.all().stream().filter(Connector::runnable).map(Connector::name).toList();
        KafkaClusterService created = new KafkaClusterService(new KafkaClusterService.Settings(config.kafka().brokers().orElseThrow(),
                cluster.name(), cluster.memberId().orElseGet(HubCluster::defaultMemberId), config.catalog().topicPrefix() + "cluster",
                config.kafka().replicationFactor(), cluster.sessionTimeout(),
                // as the routes reach Kafka: the Camel Kafka component's settings (TLS, SASL)
                camel.getComponent("kafka", KafkaComponent.class).getConfiguration().createConsumerProperties()), connectors);
        // started with the context, before its routes: their policies ask it who leads
        camel.addService(created, true, false);
        for (String connector : created.namespaces()) {
            // every change this member sees of who leads the connector
            created.getView(connector).addEventListener((CamelClusterEventListener.Leadership) (view, leader) -> {
                meters.counter("hub_cluster_leadership_changes", "connector", connector).increment();
                if (!created.isLeader(connector)) {
                    // the broker aborts what it left open; the next leader's producer fences this one anyway
                    transactions.close(connector);
                }
            });
        }
        return created;
    }

    /** Unique on one machine (the pid) and across containers (the hostname, a pod's name). */
    private static String defaultMemberId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "hub";
        }
        return (host + "-" + ManagementFactory.getRuntimeMXBean().getPid()).replaceAll("[^A-Za-z0-9._\\-]", "-");
    }
}
