package io.feedbackhub.core.management;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

/**
 * The status page, {@code /hub/} on the management port: one HTML file, its script and its style,
 * no build step. They hold no data, so they load without the token ({@link ManagementAccess}); the
 * script reads everything from the authenticated {@code /hub/*} JSON endpoints, sending the token
 * the operator typed as {@code Authorization: Bearer}.
 */
@ApplicationScoped
public class StatusPage {

    /** Path on the management port, file under {@code hub-status/}, content type. */
    private static final Map<String, String[]> FILES = Map.of(
            "/hub/", new String[] { "index.html", "text/html; charset=utf-8" },
            "/hub/status.js", new String[] { "status.js", "text/javascript; charset=utf-8" },
            "/hub/status.css", new String[] { "status.css", "text/css; charset=utf-8" });

    /** Only the page's own script, style and same-origin calls; not framed (its Run button). */
    private static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /** Whether a request is for one of the page's files, which need no token. */
    static boolean isPageFile(HttpMethod method, String path) {
        return (method == HttpMethod.GET || method == HttpMethod.HEAD) && FILES.containsKey(path);
    }

    void routes(@Observes ManagementInterface management) {
        var router = management.router();
        FILES.forEach((path, file) -> {
            Buffer content = Buffer.buffer(read(file[0]));
            router.route(path).method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ctx -> ctx.response()
                    .putHeader("Content-Type", file[1])
                    .putHeader("Content-Security-Policy", POLICY)
                    .putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader("X-Frame-Options", "DENY")
                    .putHeader("Referrer-Policy", "no-referrer")
                    .putHeader("Cache-Control", "no-cache")
                    .end(content));
        });
    }

    private static byte[] read(String name) {
        try (InputStream in = StatusPage.class.getResourceAsStream("/hub-status/" + name)) {
            if (in == null) {
                throw new IllegalStateException("hub-status/" + name + " is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
