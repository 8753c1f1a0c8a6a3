package io.feedbackhub.core.connector;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.quarkus.main.events.AfterConfigure;

import io.feedbackhub.core.run.RunMode;

/**
 * Decides which routes a connector gets, once the configuration check has passed: a disabled
 * connector's routes are dropped before anything is built (it opens nothing and needs none of its
 * keys), and every enabled, runnable connector gets Quartz routes for {@code hub.<name>.schedule}
 * (incremental runs) and {@code hub.<name>.full-sync-schedule} (full runs), so no connector writes
 * its own timer routes and an unset schedule simply means no scheduled run.
 */
@ApplicationScoped
public class ConnectorRoutes {

    @Inject
    CamelContext camel;

    @Inject
    ConnectorRegistry registry;

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
            public void configure() {
                for (Connector connector : registry.all()) {
                    if (connector.enabled() && connector.runnable()) {
                        connector.schedule().ifPresent(cron -> schedule(this, connector, RunMode.INCREMENTAL, cron));
                        connector.fullSyncSchedule().ifPresent(cron -> schedule(this, connector, RunMode.FULL, cron));
                    }
                }
            }
        });
    }

    private static void schedule(RouteBuilder routes, Connector connector, RunMode mode, String cron) {
        String id = connector.name() + "-schedule-" + mode.label();
        routes.from("quartz:hub-" + connector.name() + "/" + mode.label() + "?cron=" + cron.trim().replace(' ', '+'))
                .routeId(id).routeGroup(connector.name())
                .to("bean:hubRuns?method=scheduled('" + connector.name() + "', '" + mode.label() + "')");
    }
}
