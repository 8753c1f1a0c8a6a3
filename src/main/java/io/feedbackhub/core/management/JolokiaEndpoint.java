package io.feedbackhub.core.management;

import java.io.ByteArrayInputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import javax.management.ObjectName;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jolokia.json.JSONStructure;
import org.jolokia.server.core.config.ConfigKey;
import org.jolokia.server.core.config.StaticConfiguration;
import org.jolokia.server.core.http.HttpRequestHandler;
import org.jolokia.server.core.restrictor.AllowAllRestrictor;
import org.jolokia.server.core.service.JolokiaServiceManagerFactory;
import org.jolokia.server.core.service.api.JolokiaServiceManager;
import org.jolokia.server.core.service.impl.ClasspathServerDetectorLookup;
import org.jolokia.server.core.service.impl.ClasspathServiceCreator;
import org.jolokia.server.core.service.impl.QuietLogHandler;

import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Camel's JMX over HTTP at {@code /q/jolokia} on the management port.
 *
 * <p>Written here because camel-quarkus-jolokia 3.27 serves Jolokia only from its own HTTP server
 * (port 8778, all interfaces, no authentication; {@code /q/jolokia} merely redirects there). That
 * server is switched off ({@code quarkus.camel.jolokia.enabled=false}) and Jolokia's own request
 * handler is mounted on the management router instead, which binds where the operator says.
 */
@ApplicationScoped
public class JolokiaEndpoint {

    static final String PATH = "/q/jolokia";

    private JolokiaServiceManager services;
    private HttpRequestHandler handler;

    void routes(@Observes ManagementInterface management) {
        var router = management.router();
        router.route(PATH + "*").handler(BodyHandler.create().setBodyLimit(1024 * 1024));
        router.route(HttpMethod.GET, PATH + "*").blockingHandler(ctx -> answer(ctx, false));
        router.route(HttpMethod.POST, PATH + "*").blockingHandler(ctx -> answer(ctx, true));
    }

    private void answer(RoutingContext ctx, boolean post) {
        HttpRequestHandler jolokia = handler();
        // a servlet container would hand Jolokia the decoded path; '+' is a plain character in a path
        String pathInfo = URLDecoder.decode(ctx.request().path().substring(PATH.length()).replace("+", "%2B"),
                StandardCharsets.UTF_8);
        // operations change things: never from a plain link or a form a browser can be made to send
        boolean operation = pathInfo.startsWith("/exec") || pathInfo.startsWith("/write");
        if ((!post && operation) || (post && !String.valueOf(ctx.request().getHeader("Content-Type")).startsWith("application/json"))) {
            ctx.response().setStatusCode(403).putHeader("Content-Type", "application/json")
                    .end("{\"error\":\"operations are POSTed as application/json\",\"status\":403}");
            return;
        }
        Map<String, String[]> params = new HashMap<>();
        ctx.queryParams().names().forEach(name -> params.put(name, ctx.queryParams().getAll(name).toArray(String[]::new)));
        JSONStructure answer;
        try {
            answer = post
                    ? jolokia.handlePostRequest(ctx.request().uri(),
                            new ByteArrayInputStream(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes()),
                            "UTF-8", params)
                    : jolokia.handleGetRequest(ctx.request().uri(), pathInfo.isEmpty() ? "/" : pathInfo, params);
        } catch (Exception e) {
            answer = jolokia.handleThrowable(e);
        }
        ctx.response().putHeader("Content-Type", "application/json").end(answer.toJSONString());
    }

    private synchronized HttpRequestHandler handler() {
        if (handler == null) {
            StaticConfiguration config = new StaticConfiguration(ConfigKey.AGENT_ID, "feedback-hub",
                    ConfigKey.INCLUDE_STACKTRACE, "false", ConfigKey.DISCOVERY_ENABLED, "false");
            services = JolokiaServiceManagerFactory.createJolokiaServiceManager(config, new QuietLogHandler(),
                    new CamelDomainsOnly(), new ClasspathServerDetectorLookup());
            services.addServices(new ClasspathServiceCreator(getClass().getClassLoader(), "services"));
            handler = new HttpRequestHandler(services.start());
        }
        return handler;
    }

    @PreDestroy
    synchronized void stop() {
        if (services != null) {
            services.stop();
        }
    }

    /**
     * Camel's and the JVM's MBeans may be read; the only operations are the lifecycle ones an
     * operator needs (start, stop, suspend, resume a route or the context, reset statistics).
     * Sending messages, dumping routes (which shows resolved placeholders) and writing attributes
     * are refused; everything outside these domains stays hidden.
     */
    static final class CamelDomainsOnly extends AllowAllRestrictor {
        private static final Set<String> READ_ONLY = Set.of("java.lang", "java.nio");
        private static final Set<String> OPERATIONS = Set.of("start", "stop", "suspend", "resume", "restart", "reset");

        @Override
        public boolean isObjectNameHidden(ObjectName name) {
            return !name.getDomain().equals("org.apache.camel") && !READ_ONLY.contains(name.getDomain());
        }

        @Override
        public boolean isAttributeReadAllowed(ObjectName name, String attribute) {
            return !isObjectNameHidden(name);
        }

        @Override
        public boolean isAttributeWriteAllowed(ObjectName name, String attribute) {
            return false;
        }

        @Override
        public boolean isOperationAllowed(ObjectName name, String operation) {
            int signature = operation.indexOf('(');
            return name.getDomain().equals("org.apache.camel")
                    && OPERATIONS.contains(signature < 0 ? operation : operation.substring(0, signature));
        }
    }
}
