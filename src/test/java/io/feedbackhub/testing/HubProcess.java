package io.feedbackhub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged hub ({@code target/quarkus-app/quarkus-run.jar}) as an operator runs it: its own
 * process, working directory the repo root, configuration by environment variables. Used by the
 * {@code *IT} tests, which Maven runs after {@code package}.
 */
public final class HubProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Map<String, String> env;
    private final Path log;
    private final int managementPort;
    private Process process;

    /** The public port (Segment relay, webhooks). */
    public int publicPort() {
        return Integer.parseInt(env.get("QUARKUS_HTTP_PORT"));
    }

    private HubProcess(Map<String, String> env, Path log, int managementPort) {
        this.env = env;
        this.log = log;
        this.managementPort = managementPort;
    }

    /** A hub with free ports, the given data dir, the test connectors, and these extra variables. */
    public static HubProcess create(Path dataDir, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        int management = freePort();
        env.put("QUARKUS_HTTP_PORT", String.valueOf(freePort()));
        env.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(management));
        env.put("HUB_DATA_DIR", dataDir.toString());
        env.put("CAMEL_MAIN_ROUTES_INCLUDE_PATTERN", "file:routes/*.yaml,file:src/test/resources/routes/*.yaml");
        env.put("HUB_DEMO_ENABLED", "true");
        env.put("HUB_DEMO_INPUT_DIR", dataDir.resolve("demo-input").toString());
        env.put("HUB_DEMO_SCHEDULE", "0 0 4 1 1 ? 2099");
        env.put("HUB_IDLE_ENABLED", "false");
        env.put("HUB_IDLE_SCHEDULE", "0 0/5 * * * ?");
        env.putAll(extra);
        return new HubProcess(env, dataDir.resolveSibling(dataDir.getFileName() + "-hub.log"), management);
    }

    public HubProcess start() {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: the *IT tests run after ./mvnw package");
        }
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Waits until readiness answers 200, or fails with the end of the log if the hub exits. */
    public HubProcess awaitReady(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the hub exited with " + process.exitValue() + ":\n" + output());
            }
            try {
                if (get("/q/health/ready").statusCode() == 200) {
                    return this;
                }
            } catch (UncheckedIOException notYet) {
                // not listening yet
            }
            pause(100);
        }
        throw new IllegalStateException("the hub was not ready within " + limit + ":\n" + output());
    }

    /** Waits for the process to exit by itself and returns its exit code. */
    public int awaitExit(Duration limit) {
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("the hub did not exit within " + limit + ":\n" + output());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return process.exitValue();
    }

    /** Whether the process is still running (it exits on its own, say on -XX:+ExitOnOutOfMemoryError). */
    public boolean alive() {
        return process != null && process.isAlive();
    }

    public int managementPort() {
        return managementPort;
    }

    /** A GET on the management port, with the hub's management token if it has one (as an operator's client). */
    public HttpResponse<String> get(String path) {
        return send(authorized(HttpRequest.newBuilder(uri(path)).GET()).build());
    }

    public HttpResponse<String> post(String path) {
        return send(authorized(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody())).build());
    }

    /** A request on the management port as the caller builds it: no header added. */
    public HttpResponse<String> send(HttpRequest.Builder request, String path) {
        return send(request.uri(uri(path)).build());
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder request) {
        String token = env.get("HUB_MANAGEMENT_TOKEN");
        return token == null || token.isBlank() ? request : request.header("Authorization", "Bearer " + token);
    }

    /** An orderly stop, as on SIGTERM from a container runtime. */
    public void stop() {
        end(false);
    }

    /** kill -9: no shutdown hook, no flush, no clean-up. */
    public void kill() {
        end(true);
    }

    /** The file the hub's output goes to. */
    public Path log() {
        return log;
    }

    public String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            end(true);
        }
    }

    private void end(boolean forcibly) {
        if (forcibly) {
            process.destroyForcibly();
        } else {
            process.destroy();
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + managementPort + path);
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void pause(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
