package io.feedbackhub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Debian's {@code chromium}, headless, driven over the Chrome DevTools Protocol (a WebSocket, JSON
 * messages): open a page, read what a person sees ({@code document.body.innerText}), type, click,
 * take a screenshot. {@link #close()} ends the browser and every process it started.
 */
public final class HeadlessChromium implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration CALL = Duration.ofSeconds(30);

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> calls = new ConcurrentHashMap<>();

    /**
     * Starts chromium. Missing, the test fails under CI ({@code CI=true}, where .ci/run installs it)
     * and is skipped elsewhere, saying what to install: a developer without it can still run the rest.
     */
    public static HeadlessChromium start() {
        Optional<Path> binary = Stream.of("chromium", "chromium-browser", "google-chrome")
                .flatMap(name -> Stream.of(System.getenv("PATH").split(":")).map(dir -> Path.of(dir, name)))
                .filter(Files::isExecutable).findFirst();
        if (binary.isEmpty()) {
            String missing = "chromium is not installed (apt-get install -y chromium): the status page test drives it";
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail(missing);
            }
            Assumptions.abort(missing);
        }
        try {
            return new HeadlessChromium(binary.get());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HeadlessChromium(Path binary) throws IOException {
        profile = Files.createTempDirectory("chromium-");
        process = new ProcessBuilder(binary.toString(), "--headless=new", "--no-sandbox", "--remote-debugging-port=0",
                "--user-data-dir=" + profile, "--no-first-run", "--no-default-browser-check", "--disable-gpu",
                "--disable-dev-shm-usage", "--window-size=1200,900", "about:blank")
                .redirectErrorStream(true).redirectOutput(profile.resolveSibling(profile.getFileName() + ".log").toFile()).start();
        try {
            Path activePort = profile.resolve("DevToolsActivePort");
            poll(Duration.ofSeconds(60), "chromium to write " + activePort, () -> Files.exists(activePort) && Files.size(activePort) > 0);
            int port = Integer.parseInt(Files.readAllLines(activePort).get(0).trim());
            String[] page = new String[1];
            poll(Duration.ofSeconds(30), "a page target", () -> {
                HttpResponse<String> list = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                        HttpResponse.BodyHandlers.ofString());
                for (JsonNode target : JSON.readTree(list.body())) {
                    if (target.path("type").asText().equals("page")) {
                        page[0] = target.path("webSocketDebuggerUrl").asText();
                        return true;
                    }
                }
                return false;
            });
            socket = HTTP.newWebSocketBuilder().buildAsync(URI.create(page[0]), new Listener()).get(30, TimeUnit.SECONDS);
            call("Page.enable", Map.of());
            call("Runtime.enable", Map.of());
        } catch (Exception e) {
            close();
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
    }

    /** Answers to our calls by id; events are not needed. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    JsonNode message = JSON.readTree(text.toString());
                    CompletableFuture<JsonNode> call = message.has("id") ? calls.remove(message.get("id").asInt()) : null;
                    if (call != null) {
                        call.complete(message);
                    }
                } catch (IOException e) {
                    calls.values().forEach(call -> call.completeExceptionally(e));
                }
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }
    }

    /** One DevTools command; its result, or an exception with the protocol's error. */
    public JsonNode call(String method, Map<String, ?> params) {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        calls.put(id, answer);
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", JSON.valueToTree(params));
        try {
            socket.sendText(message.toString(), true).get(CALL.toSeconds(), TimeUnit.SECONDS);
            JsonNode reply = answer.get(CALL.toSeconds(), TimeUnit.SECONDS);
            if (reply.has("error")) {
                throw new IllegalStateException(method + ": " + reply.get("error"));
            }
            return reply.path("result");
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException(method, e);
        }
    }

    public void open(String url) {
        call("Page.navigate", Map.of("url", url));
        poll(Duration.ofSeconds(30), url + " to load", () -> "complete".equals(evaluate("document.readyState").asText()));
    }

    /** The value of a JavaScript expression (a promise is awaited). */
    public JsonNode evaluate(String expression) {
        JsonNode result = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException(expression + ": " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /** What a person sees on the page. */
    public String text() {
        return evaluate("document.body.innerText").asText();
    }

    /** Waits for the visible text to satisfy the check; fails with the text it last saw. */
    public String awaitText(Duration limit, String what, Predicate<String> check) {
        String[] seen = { "" };
        try {
            poll(limit, what, () -> check.test(seen[0] = text()));
        } catch (IllegalStateException timeout) {
            throw new AssertionError(timeout.getMessage() + "; the page shows:\n" + seen[0]);
        }
        return seen[0];
    }

    /** Clicks the middle of the first element the CSS selector finds, as a mouse does. */
    public void click(String selector) {
        JsonNode box = evaluate("(() => { const e = document.querySelector(" + quoted(selector) + "); if (!e) return null;"
                + " e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect(); return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()");
        if (box.isNull() || box.isMissingNode()) {
            throw new AssertionError("nothing on the page matches " + selector + "; it shows:\n" + text());
        }
        for (String type : List.of("mousePressed", "mouseReleased")) {
            call("Input.dispatchMouseEvent", Map.of("type", type, "x", box.get("x").asDouble(), "y", box.get("y").asDouble(),
                    "button", "left", "clickCount", 1));
        }
    }

    /** Focuses the field and types the text into it, as a keyboard does; then presses Enter. */
    public void typeAndEnter(String selector, String text) {
        click(selector);
        call("Input.insertText", Map.of("text", text));
        for (String type : List.of("keyDown", "keyUp")) {
            call("Input.dispatchKeyEvent", Map.of("type", type, "key", "Enter", "code", "Enter", "windowsVirtualKeyCode", 13, "text", "\r"));
        }
    }

    /** A PNG of the whole page. */
    public void screenshot(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, Base64.getDecoder().decode(call("Page.captureScreenshot",
                    Map.of("format", "png", "captureBeyondViewport", true)).path("data").asText()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String quoted(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void poll(Duration limit, String what, Check check) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (check.holds()) {
                    return;
                }
            } catch (Exception notYet) {
                // not there yet: try again until the deadline
            }
            try {
                TimeUnit.MILLISECONDS.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new IllegalStateException("waited " + limit.toSeconds() + " s for " + what);
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.abort();
        }
        // chromium's renderer, GPU and zygote processes go with it
        List<ProcessHandle> tree = Stream.concat(process.descendants(), Stream.of(process.toHandle())).toList();
        tree.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle handle : tree) {
            try {
                handle.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                // gone or going: the profile is removed below either way
            }
        }
        TestFiles.deleteTree(profile);
    }
}
