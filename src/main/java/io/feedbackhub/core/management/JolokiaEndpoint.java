package io.feedbackhub.core.management;

import java.io.ByteArrayInputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import javax.management.ObjectName;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jolokia.json.JSONArray;
import org.jolokia.json.JSONObject;
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
import org.jolokia.server.core.util.RequestType;

import io.feedbackhub.core.config.SecretMasker;
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

    /** jolokia.js 1.x (older Hawtio) posts as text/json; neither is a type a cross-site form can send. */
    private static final Set<String> JSON_TYPES = Set.of("application/json", "text/json");

    @Inject
    SecretMasker secrets;

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
        // operations are never run from a plain link
        if (!post && (pathInfo.startsWith("/exec") || pathInfo.startsWith("/write"))) {
            ManagementAccess.refuse(ctx, 403, "operations are POSTed as application/json");
            return;
        }
        // a JSON body is one no cross-site form can send
        if (post && !JSON_TYPES.contains(ManagementAccess.mediaType(ctx.request().getHeader("Content-Type")))) {
            ManagementAccess.refuse(ctx, 415, "requests are POSTed as application/json (or text/json)");
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
        ctx.response().putHeader("Content-Type", "application/json").end(((JSONStructure) masked(answer)).toJSONString());
    }

    /** The answer with every secret value masked, in keys (MBean names) and values alike. */
    private Object masked(Object value) {
        if (value instanceof String text) {
            return secrets.mask(text);
        }
        if (value instanceof Map<?, ?> map) {
            JSONObject copy = new JSONObject();
            map.forEach((key, item) -> copy.put(secrets.mask(String.valueOf(key)), masked(item)));
            return copy;
        }
        if (value instanceof Collection<?> items) {
            JSONArray copy = new JSONArray(items.size());
            items.forEach(item -> copy.add(masked(item)));
            return copy;
        }
        return value;
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
     * Camel's and the JVM's MBeans may be read, but not the JVM's arguments and system properties
     * (where {@code -D} secrets are); nothing is written, and the only operations are the Camel ones
     * that read: the route and statistics dumps Hawtio's Camel tab shows. Stopping or removing routes
     * and sending messages are not done from a console. Everything outside these domains stays
     * hidden. Secret values (an endpoint URI in an MBean name, an attribute or a route dump) are
     * masked in the answer.
     */
    static final class CamelDomainsOnly extends AllowAllRestrictor {
        private static final Set<String> READ_ONLY = Set.of("java.lang", "java.nio");
        private static final Set<String> RUNTIME_SECRETS = Set.of("InputArguments", "SystemProperties");
        private static final Set<String> READ_OPERATIONS = Set.of("dumpRoutesAsXml", "dumpRouteAsXml", "dumpRoutesAsYaml",
                "dumpRouteAsYaml", "dumpProcessorAsXml", "dumpRestsAsXml", "dumpRouteSourceLocationsAsXml", "dumpRoutesStatsAsXml",
                "dumpRouteStatsAsXml", "dumpRouteStatsAsJSon", "dumpStepStatsAsXml", "dumpStatsAsXml", "dumpStatsAsJSon",
                "processorIds");
        private static final Set<RequestType> TYPES = Set.of(RequestType.READ, RequestType.LIST, RequestType.SEARCH,
                RequestType.VERSION, RequestType.EXEC);

        @Override
        public boolean isTypeAllowed(RequestType type) {
            return TYPES.contains(type);
        }

        @Override
        public boolean isObjectNameHidden(ObjectName name) {
            return !name.getDomain().equals("org.apache.camel") && !READ_ONLY.contains(name.getDomain());
        }

        @Override
        public boolean isAttributeReadAllowed(ObjectName name, String attribute) {
            return !isObjectNameHidden(name)
                    && !(name.getDomain().equals("java.lang") && "Runtime".equals(name.getKeyProperty("type"))
                            && RUNTIME_SECRETS.contains(attribute));
        }

        @Override
        public boolean isAttributeWriteAllowed(ObjectName name, String attribute) {
            return false;
        }

        @Override
        public boolean isOperationAllowed(ObjectName name, String operation) {
            int signature = operation.indexOf('(');
            return name.getDomain().equals("org.apache.camel")
                    && READ_OPERATIONS.contains(signature < 0 ? operation : operation.substring(0, signature));
        }
    }
}
