package io.feedbackhub.core.management;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.feedbackhub.core.cluster.HubCluster;
import io.feedbackhub.core.connector.Connector;
import io.feedbackhub.core.connector.ConnectorRegistry;
import io.feedbackhub.core.run.ConnectorRuns;
import io.feedbackhub.core.run.Run;
import io.feedbackhub.core.run.RunLog;
import io.feedbackhub.core.run.RunRejected;
import io.feedbackhub.core.state.SyncState;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * {@code /hub/connectors} on the management port: what each connector is, whether it runs, its
 * last run; and {@code POST /hub/connectors/{name}/run?mode=incremental|full} to run one now. Other
 * query parameters of a run request are passed to the run as options ({@link ConnectorRuns#OPTIONS}).
 * {@code GET /hub/cluster}: this member, the members and each connector's leader ({@link HubCluster}).
 * Runs: {@code GET /hub/connectors/{name}/runs?limit=} and {@code GET /hub/runs/{id}} (the run log).
 * Bookmarks: {@code GET /hub/connectors/{name}/state}, {@code PUT|DELETE .../state/{stream}/{bookmark}},
 * {@code DELETE .../state/{stream}}, between runs only, as Kafka Connect's offsets API.
 * {@code POST /hub/connectors/{name}/pause|resume}.
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
    SyncState state;

    @Inject
    ObjectMapper json;

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 200;

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
        // run history and bookmarks are read from files or Kafka: not on the event loop
        router.route(HttpMethod.GET, "/hub/connectors/:name/runs").blockingHandler(this::runs, false);
        router.route(HttpMethod.GET, "/hub/runs/:id").blockingHandler(ctx -> runLog.find(ctx.pathParam("id"),
                registry.all().stream().map(Connector::name).toList()).ifPresentOrElse(run -> send(ctx, 200, runView(run)),
                        () -> send(ctx, 404, error("no run with id " + ctx.pathParam("id") + " in this member's run log"))), false);
        router.route(HttpMethod.GET, "/hub/connectors/:name/state").blockingHandler(ctx -> known(ctx, c -> send(ctx, 200, stateView(c))), false);
        router.route(HttpMethod.PUT, "/hub/connectors/:name/state/:stream/:bookmark").handler(BodyHandler.create().setBodyLimit(64 * 1024))
                .blockingHandler(this::setBookmark);
        router.route(HttpMethod.DELETE, "/hub/connectors/:name/state/:stream/:bookmark").blockingHandler(ctx -> changeState(ctx, () -> {
            if (!state.reset(ctx.pathParam("name"), ctx.pathParam("stream"), ctx.pathParam("bookmark"))) {
                throw new NoSuchBookmark("no bookmark " + ctx.pathParam("bookmark") + " in stream " + ctx.pathParam("stream"));
            }
        }));
        router.route(HttpMethod.DELETE, "/hub/connectors/:name/state/:stream").blockingHandler(ctx -> changeState(ctx, () -> {
            if (state.resetStream(ctx.pathParam("name"), ctx.pathParam("stream")).isEmpty()) {
                throw new NoSuchBookmark("no bookmark in stream " + ctx.pathParam("stream"));
            }
        }));
        router.route(HttpMethod.POST, "/hub/connectors/:name/pause").blockingHandler(ctx -> pause(ctx, true));
        router.route(HttpMethod.POST, "/hub/connectors/:name/resume").blockingHandler(ctx -> pause(ctx, false));
    }

    private void runs(RoutingContext ctx) {
        String text = ctx.queryParams().contains("limit") ? ctx.queryParams().get("limit") : String.valueOf(DEFAULT_LIMIT);
        int limit;
        try {
            limit = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            send(ctx, 400, error("limit is a whole number from 1 to " + MAX_LIMIT + ", not '" + abbreviated(text) + "'"));
            return;
        }
        int max = limit;
        known(ctx, c -> send(ctx, 200, runLog.history(c.name(), max).stream().map(this::runView).toList()));
    }

    private void setBookmark(RoutingContext ctx) {
        Optional<String> value = bookmarkValue(ctx);
        if (value.isEmpty()) {
            send(ctx, 400, error("the body is the bookmark's value as JSON: a string (\"2024-01-31T00:00:00Z\") or {\"value\": \"...\"}"));
            return;
        }
        changeState(ctx, () -> state.set(ctx.pathParam("name"), ctx.pathParam("stream"), ctx.pathParam("bookmark"), value.get()));
    }

    private Optional<String> bookmarkValue(RoutingContext ctx) {
        try {
            JsonNode body = ctx.body().buffer() == null ? null : json.readTree(ctx.body().asString());
            JsonNode value = body != null && body.isObject() && body.size() == 1 ? body.get("value") : body;
            return value != null && value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /** A change of a connector's bookmarks, between its runs; answers with its bookmarks as they are then. */
    private void changeState(RoutingContext ctx, Runnable change) {
        known(ctx, connector -> {
            try {
                Map<String, Object> after = runs.whileIdle(connector.name(), (Supplier<Map<String, Object>>) () -> {
                    change.run();
                    return stateView(connector);
                });
                send(ctx, 200, after);
            } catch (IllegalArgumentException bad) {
                send(ctx, 400, error(bad.getMessage()));
            } catch (NoSuchBookmark missing) {
                send(ctx, 404, error(missing.getMessage()));
            } catch (RunRejected rejected) {
                send(ctx, 409, error(rejected.getMessage()));
            }
        });
    }

    private void pause(RoutingContext ctx, boolean paused) {
        known(ctx, connector -> {
            if (!connector.runnable()) {
                send(ctx, 409, error(connector.name() + " runs on events, not on runs: there is nothing to pause"));
                return;
            }
            runs.pause(connector.name(), paused);
            send(ctx, 200, view(connector));
        });
    }

    private Map<String, Object> stateView(Connector connector) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("connector", connector.name());
        view.put("running", runs.isRunning(connector.name()));
        view.put("streams", state.bookmarks(connector.name()));
        return view;
    }

    private Map<String, Object> runView(Run run) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("connector", run.connector());
        view.putAll(runLog.view(run));
        return view;
    }

    private void known(RoutingContext ctx, Consumer<Connector> action) {
        registry.find(ctx.pathParam("name")).ifPresentOrElse(action,
                () -> send(ctx, 404, error("no connector named " + abbreviated(ctx.pathParam("name")))));
    }

    private static String abbreviated(String text) {
        return text.length() > 60 ? text.substring(0, 60) + "..." : text;
    }

    /** A bookmark to reset that is not there. */
    private static final class NoSuchBookmark extends RuntimeException {
        NoSuchBookmark(String message) {
            super(message, null, false, false);
        }
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
                case DISABLED, NOT_RUNNABLE, ALREADY_RUNNING, NOT_LEADER, PAUSED -> 409;
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
        view.put("runnable", connector.runnable());
        view.put("running", runs.isRunning(connector.name()));
        view.put("paused", runs.paused(connector.name()));
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
