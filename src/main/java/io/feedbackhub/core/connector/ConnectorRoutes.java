package io.feedbackhub.core.connector;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.quarkus.main.events.AfterConfigure;

import io.feedbackhub.core.cluster.HubCluster;
import io.feedbackhub.core.run.RunMode;

/**
 * Decides which routes a connector gets, once the configuration check has passed: a disabled
 * connector's routes are dropped before anything is built (it opens nothing and needs none of its
 * keys), and every enabled, runnable connector gets Quartz routes for {@code hub.<name>.schedule}
 * (incremental runs) and {@code hub.<name>.full-sync-schedule} (full runs), so no connector writes
 * its own timer routes and an unset schedule simply means no scheduled run. In a cluster they run
 * on the connector's leader only ({@link HubCluster}).
 */
@ApplicationScoped
public class ConnectorRoutes {

    @Inject
    CamelContext camel;

    @Inject
    ConnectorRegistry registry;

    @Inject
    HubCluster cluster;

    /** After the configuration check (which runs at the default priority) has passed. */
    void arrange(@Observes @Priority(jakarta.interceptor.Interceptor.Priority.APPLICATION + 1000) AfterConfigure configured)
            throws Exception {
        ModelCamelContext model = (ModelCamelContext) camel;
        for (Connector connector : registry.all()) {
            if (!connector.enabled()) {
                model.removeRouteDefinitions(model.getRouteDefinitions().stream()
                        .filter(route -> connector.name().equals(route.getGroup())).toList());
            }
        }
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() throws Exception {
                for (Connector connector : registry.all()) {
                    if (connector.enabled() && connector.runnable()) {
                        if (connector.schedule().isPresent()) {
                            schedule(this, connector, RunMode.INCREMENTAL, connector.schedule().get());
                        }
                        if (connector.fullSyncSchedule().isPresent()) {
                            schedule(this, connector, RunMode.FULL, connector.fullSyncSchedule().get());
                        }
                    }
                }
            }
        });
    }

    private void schedule(RouteBuilder routes, Connector connector, RunMode mode, String cron) throws Exception {
        String id = connector.name() + "-schedule-" + mode.label();
        var route = routes.from("quartz:hub-" + connector.name() + "/" + mode.label() + "?cron=" + cron.trim().replace(' ', '+'))
                .routeId(id).routeGroup(connector.name());
        // in a cluster, the schedule runs on the connector's leader only
        cluster.schedulePolicy(connector.name()).ifPresent(route::routePolicy);
        route.to("bean:hubRuns?method=scheduled('" + connector.name() + "', '" + mode.label() + "')");
    }
}
