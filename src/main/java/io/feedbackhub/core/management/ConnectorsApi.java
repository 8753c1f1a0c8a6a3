package io.feedbackhub.core.management;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.feedbackhub.core.cluster.HubCluster;
import io.feedbackhub.core.connector.Connector;
import io.feedbackhub.core.connector.ConnectorRegistry;
import io.feedbackhub.core.run.ConnectorRuns;
import io.feedbackhub.core.run.Run;
import io.feedbackhub.core.run.RunLog;
import io.feedbackhub.core.run.RunRejected;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code /hub/connectors} on the management port: what each connector is, whether it runs, its
 * last run; and {@code POST /hub/connectors/{name}/run?mode=incremental|full} to run one now. Other
 * query parameters of a run request are passed to the run as options ({@link ConnectorRuns#OPTIONS}).
 * {@code GET /hub/cluster}: this member, the members and each connector's leader ({@link HubCluster}).
 */
@ApplicationScoped
public class ConnectorsApi {

    @Inject
    ConnectorRegistry registry;

    @Inject
    ConnectorRuns runs;

    @Inject
    RunLog runLog;

    @Inject
    HubCluster cluster;

    @Inject
    ObjectMapper json;

    void routes(@Observes ManagementInterface management) {
        var router = management.router();
        // in a cluster the last runs are read from Kafka (RunLog), so not on the event loop; unordered, so one slow read holds up no other
        router.route(HttpMethod.GET, "/hub/connectors").blockingHandler(ctx -> send(ctx, 200,
                registry.all().stream().map(this::view).toList()), false);
        router.route(HttpMethod.GET, "/hub/connectors/:name").blockingHandler(ctx -> registry.find(ctx.pathParam("name"))
                .ifPresentOrElse(c -> send(ctx, 200, view(c)),
                        () -> send(ctx, 404, error("no connector named " + ctx.pathParam("name")))), false);
        router.route(HttpMethod.GET, "/hub/cluster").handler(ctx -> send(ctx, 200, cluster.view()));
        // starting a run touches files and Camel, so not on the event loop
        router.route(HttpMethod.POST, "/hub/connectors/:name/run").blockingHandler(this::run);
    }

    private void run(RoutingContext ctx) {
        try {
            String mode = ctx.queryParams().contains("mode") ? ctx.queryParams().get("mode") : "incremental";
            Map<String, String> options = new LinkedHashMap<>();
            ctx.queryParams().names().stream().filter(name -> !name.equals("mode"))
                    .forEach(name -> options.put(name, ctx.queryParams().get(name)));
            Run run = runs.start(ctx.pathParam("name"), mode, "manual", options);
            send(ctx, 202, Map.of("runId", run.id()));
        } catch (RunRejected rejected) {
            int status = switch (rejected.reason()) {
                case UNKNOWN_CONNECTOR -> 404;
                case BAD_MODE -> 400;
                case DISABLED, NOT_RUNNABLE, ALREADY_RUNNING, NOT_LEADER -> 409;
            };
            send(ctx, status, error(rejected.getMessage()));
        }
    }

    private Map<String, Object> view(Connector connector) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", connector.name());
        view.put("enabled", connector.enabled());
        view.put("description", connector.description());
        view.put("schedule", connector.schedule().orElse(null));
        view.put("fullSyncSchedule", connector.fullSyncSchedule().orElse(null));
        view.put("running", runs.isRunning(connector.name()));
        if (cluster.enabled()) {
            view.put("leader", cluster.leaderOf(connector.name()).orElse(null));
        }
        view.put("lastRun", runLog.last(connector.name()).map(runLog::view).orElse(null));
        return view;
    }

    private static Map<String, Object> error(String message) {
        return Map.of("error", message);
    }

    private void send(RoutingContext ctx, int status, Object body) {
        try {
            ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                    .end(json.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            ctx.fail(e);
        }
    }
}
