package io.feedbackhub.core.management;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.core.config.ManagementHostDefault;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.RoutingContext;

/**
 * Who may use the management port. Health is open to all (probes carry no credential). With
 * {@code hub.management.token} set, everything else needs it, as {@code Authorization: Bearer <token>}
 * or as the password of Basic auth (what Hawtio's connect dialog sends), else 401. Without a token
 * the port binds 127.0.0.1 only ({@link ManagementHostDefault}), and a browser on that machine is
 * the risk: requests must name a loopback host (no DNS rebinding) and a state-changing one must not
 * come from another origin. Either way a state-changing request with a body a cross-site form can
 * send (form, multipart or plain text) is refused with 415, before anything reads the body.
 */
@ApplicationScoped
public class ManagementAccess {

    static final String REALM = "Bearer realm=\"feedback-hub management\"";
    /** The content types a page may send cross-site without a CORS preflight. */
    private static final Set<String> FORM_TYPES = Set.of("application/x-www-form-urlencoded", "multipart/form-data", "text/plain");
    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);

    @Inject
    HubConfig hub;

    private byte[] tokenDigest;
    private boolean open;

    void routes(@Observes ManagementInterface management) {
        tokenDigest = hub.management().token().filter(token -> !token.isBlank()).map(ManagementAccess::digest).orElse(null);
        open = hub.management().open();
        // first of all handlers, so nothing is read or answered for a request that is refused
        management.router().route().order(Integer.MIN_VALUE).handler(this::check);
    }

    private void check(RoutingContext ctx) {
        String path = ctx.normalizedPath();
        // the status page's files hold no data: its script asks the operator for the token
        if (path.equals("/q/health") || path.startsWith("/q/health/") || (tokenDigest != null && StatusPage.isPageFile(ctx.request().method(), path))) {
            ctx.next();
            return;
        }
        boolean changes = !SAFE.contains(ctx.request().method());
        if (tokenDigest != null) {
            if (!authorized(ctx.request().getHeader("Authorization"))) {
                ctx.response().putHeader("WWW-Authenticate", REALM);
                refuse(ctx, 401, "the management port needs Authorization: Bearer <hub.management.token>");
                return;
            }
        } else if (!open) {
            // the Host header, or HTTP/2's :authority
            HostAndPort authority = ctx.request().authority();
            if (authority == null || !ManagementHostDefault.isLoopback(authority.host())) {
                refuse(ctx, 403, "without hub.management.token the management port answers only requests to a loopback host");
                return;
            }
            String origin = ctx.request().getHeader("Origin");
            if (changes && origin != null && !sameOrigin(origin, authority)) {
                refuse(ctx, 403, "a state-changing request from another origin is refused");
                return;
            }
        }
        if (changes && FORM_TYPES.contains(mediaType(ctx.request().getHeader("Content-Type")))) {
            refuse(ctx, 415, "a form or plain-text body is refused here: send no body, or JSON");
            return;
        }
        ctx.next();
    }

    private boolean authorized(String authorization) {
        if (authorization == null) {
            return false;
        }
        int space = authorization.indexOf(' ');
        if (space < 0) {
            return false;
        }
        String scheme = authorization.substring(0, space).toLowerCase(Locale.ROOT);
        String credential = authorization.substring(space + 1).trim();
        if (scheme.equals("basic")) {
            try {
                String userAndPassword = new String(Base64.getDecoder().decode(credential), StandardCharsets.UTF_8);
                credential = userAndPassword.substring(userAndPassword.indexOf(':') + 1);
            } catch (IllegalArgumentException notBase64) {
                return false;
            }
        } else if (!scheme.equals("bearer")) {
            return false;
        }
        // digests of equal length, compared in constant time: neither the token nor its length leaks by timing
        return MessageDigest.isEqual(tokenDigest, digest(credential));
    }

    private static boolean sameOrigin(String origin, HostAndPort authority) {
        try {
            URI uri = URI.create(origin);
            int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
            return authority.host().equalsIgnoreCase(uri.getHost()) && (authority.port() < 0 ? 80 : authority.port()) == port;
        } catch (IllegalArgumentException notAUri) {
            return false;
        }
    }

    static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    static void refuse(RoutingContext ctx, int status, String error) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end("{\"error\":\"" + error + "\",\"status\":" + status + "}");
    }

    private static byte[] digest(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
