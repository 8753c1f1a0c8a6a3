package io.feedbackhub.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import io.feedbackhub.testing.HubProcess;
import io.feedbackhub.testing.fake.FakeWootric;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code bench/relay}: N concurrent clients post Segment batches of 100 {@code identify} events to
 * {@code POST /v1/batch}, first against a minimal Vert.x server that only appends each body to a
 * file (the ceiling; with an fsync per request, then without), then against the packaged hub's
 * Segment relay, with the same load and parameters in the same run. Prints accepted events/s,
 * requests/s, p50/p99 latency of the 200 and errors for each, and the ratio hub / ceiling
 * (target: at least 70% of the fsync ceiling).
 *
 * <p>A plain main, not a test: the normal suite never runs it. Started by {@code bench/relay/run},
 * with the working directory holding {@code target/quarkus-app}, {@code routes/} and
 * {@code src/test/resources/routes/} (what {@link HubProcess} expects). Exit code 1 when the hub
 * does not start or does not take a probe batch, or when its journal holds fewer files than it answered 200.
 *
 * <p>Settings (system properties): {@code bench.workers} (concurrent clients, 16),
 * {@code bench.warmupSeconds} (20), {@code bench.seconds} (measured, 30), {@code bench.batch}
 * (events a request, 100), {@code bench.users} (distinct userIds, 10000), {@code bench.noFsync}
 * (also run the ceiling without fsync, true), {@code bench.drainSeconds} (after the hub's load, how
 * long to watch delivery with no load, 10), {@code bench.wootricRateLimit} (requests a minute the
 * fake Wootric allows, as Wootric's documented example limit: 100; 0 for none), {@code bench.hubJavaOptions} (JAVA_TOOL_OPTIONS of the
 * hub, {@code -Xmx512m}), {@code bench.dataDir} (a fresh temporary directory).
 */
public final class RelayBench {

    private static final String WRITE_KEY = "wkRelayBench";
    private static final double TARGET_SHARE = 0.70;
    private static final byte[] SUCCESS = "{\"success\":true}".getBytes(StandardCharsets.UTF_8);
    /** USER_HZ of /proc/<pid>/stat: 100 on every Linux this runs on. */
    private static final int CLOCK_TICKS = 100;
    private static final java.lang.management.ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final int workers = Integer.getInteger("bench.workers", 16);
    private final int warmupSeconds = Integer.getInteger("bench.warmupSeconds", 20);
    private final int seconds = Integer.getInteger("bench.seconds", 30);
    private final int batch = Integer.getInteger("bench.batch", 100);
    private final int users = Integer.getInteger("bench.users", 10_000);
    private final boolean noFsync = Boolean.parseBoolean(System.getProperty("bench.noFsync", "true"));
    private final int drainSeconds = Integer.getInteger("bench.drainSeconds", 10);
    private final int wootricRateLimit = Integer.getInteger("bench.wootricRateLimit", 100);
    private final String hubJavaOptions = System.getProperty("bench.hubJavaOptions", "-Xmx512m");
    private final String authorization = "Basic "
            + Base64.getEncoder().encodeToString((WRITE_KEY + ":").getBytes(StandardCharsets.UTF_8));

    public static void main(String[] args) {
        Bench.main(() -> new RelayBench().run());
    }

    private void run() throws Exception {
        Path data = System.getProperty("bench.dataDir") != null ? Path.of(System.getProperty("bench.dataDir"))
                : Files.createTempDirectory("relay-bench");
        Files.createDirectories(data);
        Path ceilingDir = data.resolveSibling(data.getFileName() + "-ceiling");
        Files.createDirectories(ceilingDir);
        System.out.printf(Locale.ROOT, "feedback-hub relay bench: %d workers, batches of %d identify events, %,d distinct users, "
                + "warm-up %d s, measured %d s; hub JAVA_TOOL_OPTIONS=%s%n", workers, batch, users, warmupSeconds, seconds,
                hubJavaOptions);
        System.out.printf(Locale.ROOT, "java %s, %d cpus, load average %.2f, data dir %s (%s)%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                data, fileSystem(data));

        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        List<Phase> phases = new ArrayList<>();
        try (FakeWootric fake = new FakeWootric()) {
            // real Wootric limits requests per minute and account; without a limit, delivery to the
            // fake runs flat out and takes CPU from intake that it could never take from Wootric
            fake.rateLimit = wootricRateLimit;
            System.out.printf(Locale.ROOT, "fake Wootric: %s%n",
                    wootricRateLimit > 0 ? wootricRateLimit + " requests a minute (X-Rate-Limit-*)" : "no rate limit");
            Map<String, String> env = new LinkedHashMap<>();
            env.put("HUB_SEGMENT_ENABLED", "true");
            env.put("HUB_SEGMENT_WRITE_KEYS", WRITE_KEY);
            env.put("HUB_WOOTRIC_BASE_URL", fake.baseUrl());
            env.put("HUB_WOOTRIC_USERNAME", FakeWootric.USERNAME);
            env.put("HUB_WOOTRIC_PASSWORD", FakeWootric.PASSWORD);
            env.put("JAVA_TOOL_OPTIONS", hubJavaOptions);
            try (HubProcess hub = HubProcess.create(data, env)) {
                // Ctrl-C on the bench must not leave the hub running
                Runtime.getRuntime().addShutdownHook(new Thread(hub::close));
                long startAt = System.nanoTime();
                hub.start().awaitReady(Duration.ofSeconds(90));
                URI hubUri = URI.create("http://127.0.0.1:" + hub.publicPort() + "/v1/batch");
                ProcessHandle hubProcess = ProcessHandle.current().children()
                        .filter(p -> p.info().commandLine().orElse("").contains("quarkus-run.jar")).findFirst().orElse(null);
                probe(client, hubUri, hub);
                System.out.printf(Locale.ROOT, "hub ready in %.1f s and took a probe batch; it idles while the ceiling runs%n",
                        seconds(System.nanoTime() - startAt));

                // the ceiling first: the hub's delivery, which goes on after its own phase, must not
                // eat the CPU the ceiling runs on
                phases.add(ceiling(client, ceilingDir, true));
                if (noFsync) {
                    phases.add(ceiling(client, ceilingDir, false));
                }

                Path journal = data.resolve("journal").resolve("segment");
                long doneBefore = count(journal.resolve("done"));
                int writesBefore = fake.writes.size();
                int apiBefore = fake.apiRequests.get();
                long hubStarted = System.nanoTime();
                Phase relay = load("hub (Segment relay)", client, hubUri, true, hubProcess);
                double phaseSeconds = seconds(System.nanoTime() - hubStarted);
                long pending = count(journal);
                long delivered = count(journal.resolve("done")) - doneBefore;
                int writes = fake.writes.size() - writesBefore;
                relay.notes.add(String.format(Locale.ROOT, "delivery backlog at the end of the load: %,d journal files "
                        + "not yet in done/. During the %.0f s of load: %,d files moved to done/, the fake Wootric saw %,d API "
                        + "requests and %,d end-user writes (~%,.1f identifies delivered a second)", pending,
                        phaseSeconds, delivered, fake.apiRequests.get() - apiBefore, writes, writes / phaseSeconds));
                if (drainSeconds > 0) {
                    // delivery alone, no intake: is it slow, or was it starved of CPU by the intake?
                    long done0 = count(journal.resolve("done"));
                    int api0 = fake.apiRequests.get();
                    int writes0 = fake.writes.size();
                    TimeUnit.SECONDS.sleep(drainSeconds);
                    long drained = count(journal.resolve("done")) - done0;
                    int drainedWrites = fake.writes.size() - writes0;
                    relay.notes.add(String.format(Locale.ROOT, "delivery with no load, for %d s after it: %,d end-user writes "
                            + "(~%,.1f identifies delivered a second), %,d Wootric API requests, %,d files moved to done/; "
                            + "backlog then %,d files", drainSeconds, drainedWrites, drainedWrites / (double) drainSeconds,
                            fake.apiRequests.get() - api0, drained, count(journal)));
                }
                phases.add(relay);

                hub.stop();
                relay.notes.addAll(logSummary(hub.output()));
                // after the stop nothing moves: every 200 of the hub must be one journal entry (a line)
                long pendingAfter = entries(journal);
                long doneAfter = entries(journal.resolve("done"));
                long inflight = countMatching(journal, ".inflight-");
                long answered = relay.totalOk + 1; // the probe
                String check = String.format(Locale.ROOT, "journal after the hub stopped: %,d pending + %,d done = %,d entries for "
                        + "%,d answers 200 (the probe included); %,d .inflight- files", pendingAfter, doneAfter,
                        pendingAfter + doneAfter, answered, inflight);
                relay.notes.add(check);
                if (pendingAfter + doneAfter > answered) {
                    relay.notes.add("more journal entries than 200s: requests that ended in an error were journaled all the same");
                }
                if (pendingAfter + doneAfter < answered) {
                    print(phases);
                    throw new BenchFailure(check + ": answered 200 but not journaled\nend of the hub log:\n"
                            + tail(hub.output(), 40));
                }
            }
        }
        print(phases);
    }

    /** One batch before anything is measured: the relay must be up and answer 200. */
    private void probe(HttpClient client, URI uri, HubProcess hub) throws InterruptedException {
        try {
            HttpResponse<String> answer = client.send(request(uri, body()), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new BenchFailure("the relay answered the probe batch " + answer.statusCode() + " " + answer.body()
                        + "\nend of the hub log:\n" + tail(hub.output(), 40));
            }
        } catch (IOException e) {
            throw new BenchFailure("the relay did not take the probe batch: " + e + "\nend of the hub log:\n" + tail(hub.output(), 40));
        }
    }

    // ---- the ceiling -------------------------------------------------------------------------

    private Phase ceiling(HttpClient client, Path dir, boolean fsync) throws Exception {
        Path file = dir.resolve(fsync ? "ceiling-fsync.jsonl" : "ceiling.jsonl");
        Files.deleteIfExists(file);
        Vertx vertx = Vertx.vertx();
        try (AppendOnly sink = new AppendOnly(file, fsync)) {
            int port = listen(vertx, sink);
            Phase phase = load("ceiling: Vert.x append" + (fsync ? " + fsync" : ", no fsync"), client,
                    URI.create("http://127.0.0.1:" + port + "/v1/batch"), false, null);
            phase.notes.add(String.format(Locale.ROOT, "%,d requests appended, %,d bytes (%,.1f MB/s in the measured window)",
                    sink.requests.get(), sink.bytes.get(), phase.ok * (double) phase.meanBodyBytes / seconds / 1e6));
            return phase;
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            Files.deleteIfExists(file);
        }
    }

    /**
     * As many server instances as Quarkus puts on event loops (2 per core), each answering
     * {@code 200 {"success":true}} once the body is appended (and forced) on a worker thread.
     */
    private static int listen(Vertx vertx, AppendOnly sink) throws Exception {
        int instances = 2 * Runtime.getRuntime().availableProcessors();
        int port = freePort();
        vertx.deployVerticle(() -> new AbstractVerticle() {
            @Override
            public void start(Promise<Void> started) {
                HttpServer server = vertx.createHttpServer();
                server.requestHandler(request -> handle(vertx, sink, request));
                server.listen(port, "127.0.0.1").<Void>mapEmpty().onComplete(started);
            }
        }, new DeploymentOptions().setInstances(instances)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return port;
    }

    private static void handle(Vertx vertx, AppendOnly sink, HttpServerRequest request) {
        request.body().compose(body -> vertx.executeBlocking(() -> {
            sink.append(body);
            return null;
        }, false)).onComplete(done -> {
            if (done.succeeded()) {
                request.response().setStatusCode(200).putHeader("Content-Type", "application/json").end(Buffer.buffer(SUCCESS));
            } else {
                request.response().setStatusCode(503).end(String.valueOf(done.cause()));
            }
        });
    }

    /**
     * One file, opened for appending. The write holds a lock (a body is one contiguous record), the
     * fsync does not: requests that arrive during an fsync share the next one, as concurrent
     * fsyncs of the hub's journal files can.
     */
    static final class AppendOnly implements AutoCloseable {
        private static final ByteBuffer NEWLINE = ByteBuffer.wrap(new byte[] {'\n'});
        private final FileChannel channel;
        private final boolean fsync;
        final AtomicLong requests = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();

        AppendOnly(Path file, boolean fsync) throws IOException {
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            this.fsync = fsync;
        }

        void append(Buffer body) throws IOException {
            ByteBuffer[] record = {ByteBuffer.wrap(body.getBytes()), NEWLINE.duplicate()};
            synchronized (this) {
                while (record[0].hasRemaining() || record[1].hasRemaining()) {
                    channel.write(record);
                }
            }
            if (fsync) {
                channel.force(true); // what Camel's file producer does with forceWrites=true
            }
            requests.incrementAndGet();
            bytes.addAndGet(body.length() + 1L);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    // ---- the load ----------------------------------------------------------------------------

    /** What one target did: the measured window, plus everything answered 200 (warm-up too). */
    static final class Phase {
        final String name;
        long ok;
        long errors;
        long totalOk;
        long meanBodyBytes;
        long[] latencies;
        double busyCpu = Double.NaN;
        /** CPU seconds in the measured window: the server (hub process or the ceiling's Vert.x threads), user and system. */
        double serverUser = Double.NaN;
        double serverSys = Double.NaN;
        /** CPU seconds in the measured window of this JVM's load generator threads (workers, HttpClient) and of the fake. */
        double loadCpu = Double.NaN;
        double fakeCpu = Double.NaN;
        String firstError;
        final List<String> notes = new ArrayList<>();

        Phase(String name) {
            this.name = name;
        }
    }

    /** Per worker; read by the main thread only after the worker ended. */
    static final class Tally {
        long[] latencies = new long[4096];
        int n;
        long ok;
        long errors;
        long totalOk;
        long bodyBytes;
        long bodies;

        void latency(long nanos) {
            if (n == latencies.length) {
                latencies = Arrays.copyOf(latencies, n * 2);
            }
            latencies[n++] = nanos;
        }
    }

    /** The load on one target; hub: the hub's process, whose CPU time is the server's (null when not found). */
    private Phase load(String name, HttpClient client, URI uri, boolean hubPhase, ProcessHandle hub) throws Exception {
        System.out.printf(Locale.ROOT, "%s: %d s warm-up, %d s measured ...%n", name, warmupSeconds, seconds);
        long start = System.nanoTime();
        long from = start + TimeUnit.SECONDS.toNanos(warmupSeconds);
        long to = from + TimeUnit.SECONDS.toNanos(seconds);
        Tally[] tallies = new Tally[workers];
        AtomicReference<String> firstError = new AtomicReference<>();
        CountDownLatch finished = new CountDownLatch(workers);
        for (int w = 0; w < workers; w++) {
            Tally tally = tallies[w] = new Tally();
            Thread thread = new Thread(() -> {
                try {
                    work(client, uri, from, to, tally, firstError);
                } finally {
                    finished.countDown();
                }
            }, "relay-bench-" + w);
            thread.setDaemon(true);
            thread.start();
        }
        TimeUnit.NANOSECONDS.sleep(Math.max(0, from - System.nanoTime()));
        long[] cpu0 = machineCpu();
        long[] hub0 = processCpuTicks(hub);
        Map<Long, Long> threads0 = threadCpu();
        TimeUnit.NANOSECONDS.sleep(Math.max(0, to - System.nanoTime()));
        long[] cpu1 = machineCpu();
        long[] hub1 = processCpuTicks(hub);
        Map<String, Double> threads = threadCpuSince(threads0);
        if (!finished.await(60, TimeUnit.SECONDS)) {
            throw new BenchFailure(name + ": requests still open 60 s after the end of the load");
        }

        Phase phase = new Phase(name);
        int all = 0;
        long bodyBytes = 0;
        long bodies = 0;
        for (Tally t : tallies) {
            all += t.n;
            phase.ok += t.ok;
            phase.errors += t.errors;
            phase.totalOk += t.totalOk;
            bodyBytes += t.bodyBytes;
            bodies += t.bodies;
        }
        phase.latencies = new long[all];
        int at = 0;
        for (Tally t : tallies) {
            System.arraycopy(t.latencies, 0, phase.latencies, at, t.n);
            at += t.n;
        }
        Arrays.sort(phase.latencies);
        phase.meanBodyBytes = bodies == 0 ? 0 : bodyBytes / bodies;
        phase.firstError = firstError.get();
        if (cpu0 != null && cpu1 != null && cpu1[1] > cpu0[1]) {
            phase.busyCpu = 1.0 - (double) (cpu1[0] - cpu0[0]) / (cpu1[1] - cpu0[1]);
        }
        phase.loadCpu = threads.getOrDefault("load", 0.0);
        phase.fakeCpu = threads.getOrDefault("fake", 0.0);
        if (hubPhase) {
            if (hub0 != null && hub1 != null) {
                phase.serverUser = (hub1[0] - hub0[0]) / (double) CLOCK_TICKS;
                phase.serverSys = (hub1[1] - hub0[1]) / (double) CLOCK_TICKS;
            }
        } else {
            // thread CPU time holds user and system time together
            phase.serverUser = threads.getOrDefault("server", 0.0);
            phase.serverSys = 0;
        }
        System.out.printf(Locale.ROOT, "  %,.0f events/s, %,.1f requests/s, p50 %.1f ms, p99 %.1f ms, %,d errors%n",
                eventsPerSecond(phase), requestsPerSecond(phase), millis(percentile(phase.latencies, 0.50)),
                millis(percentile(phase.latencies, 0.99)), phase.errors);
        return phase;
    }

    /**
     * One client: a new batch (fresh messageIds, users drawn from {@code bench.users}), sent as soon
     * as the previous one is answered. Counted in the window when it completes inside it.
     */
    private void work(HttpClient client, URI uri, long from, long to, Tally tally, AtomicReference<String> firstError) {
        while (System.nanoTime() < to) {
            byte[] body = body();
            tally.bodyBytes += body.length;
            tally.bodies++;
            long sent = System.nanoTime();
            String error = null;
            try {
                HttpResponse<byte[]> answer = client.send(request(uri, body), HttpResponse.BodyHandlers.ofByteArray());
                if (answer.statusCode() != 200 || !Arrays.equals(answer.body(), SUCCESS)) {
                    error = "HTTP " + answer.statusCode() + " " + new String(answer.body(), StandardCharsets.UTF_8);
                }
            } catch (IOException e) {
                error = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long done = System.nanoTime();
            if (error == null) {
                tally.totalOk++;
            }
            if (done < from || done > to) {
                continue;
            }
            if (error == null) {
                tally.ok++;
                tally.latency(done - sent);
            } else {
                tally.errors++;
                firstError.compareAndSet(null, error);
            }
        }
    }

    private HttpRequest request(URI uri, byte[] body) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    /** {"batch":[batch × identify]}: about 190 bytes an event. */
    private byte[] body() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder out = new StringBuilder(200 * batch + 16).append("{\"batch\":[");
        for (int i = 0; i < batch; i++) {
            int user = random.nextInt(users);
            if (i > 0) {
                out.append(',');
            }
            out.append("{\"type\":\"identify\",\"userId\":\"u").append(user)
                    .append("\",\"messageId\":\"").append(new UUID(random.nextLong(), random.nextLong()))
                    .append("\",\"traits\":{\"email\":\"u").append(user)
                    .append("@example.com\",\"createdAt\":\"2018-08-03T15:28:46.493Z\",\"plan\":\"Pro\"}}");
        }
        return out.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    // ---- report ------------------------------------------------------------------------------

    private void print(List<Phase> phases) {
        System.out.println();
        System.out.printf(Locale.ROOT, "%-32s %9s %10s %7s %7s %6s %8s %15s %9s%n", "", "events/s", "requests/s", "p50 ms",
                "p99 ms", "errors", "machine", "server CPU", "load gen");
        System.out.printf(Locale.ROOT, "%-32s %9s %10s %7s %7s %6s %8s %15s %9s%n", "", "", "", "", "", "", "busy",
                "ms/req (sys)", "ms/req");
        for (Phase p : phases) {
            System.out.printf(Locale.ROOT, "%-32s %,9.0f %,10.1f %7.1f %7.1f %,6d %7.0f%% %15s %9.2f%n", p.name, eventsPerSecond(p),
                    requestsPerSecond(p), millis(percentile(p.latencies, 0.50)), millis(percentile(p.latencies, 0.99)), p.errors,
                    100 * p.busyCpu, p.serverSys == 0 ? String.format(Locale.ROOT, "%.2f", perRequest(p, p.serverUser))
                            : String.format(Locale.ROOT, "%.2f (%.2f)", perRequest(p, p.serverUser + p.serverSys),
                                    perRequest(p, p.serverSys)), perRequest(p, p.loadCpu));
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "%d workers, %d events a request (%,d bytes on average), measured %d s after %d s of warm-up.%n"
                + "machine busy: share of all %d cores busy (not idle, not iowait) in the measured window. server CPU: CPU time in the "
                + "window per request answered 200, of the hub's process (user + system, system in brackets) or of the ceiling's "
                + "Vert.x threads (user and system together). load gen: the same for this JVM's workers and HttpClient threads.%n",
                workers, batch, phases.get(0).meanBodyBytes, seconds, warmupSeconds, Runtime.getRuntime().availableProcessors());
        for (Phase p : phases) {
            if (p.fakeCpu > 0.05) {
                System.out.printf(Locale.ROOT, "%s: the fake Wootric (this JVM) used %.1f s CPU in the window%n", p.name, p.fakeCpu);
            }
            for (String note : p.notes) {
                System.out.println(p.name + ": " + note);
            }
            if (p.firstError != null) {
                System.out.println(p.name + ": first error: " + p.firstError);
            }
        }
        Phase ceiling = phases.get(0);
        Phase hub = phases.get(phases.size() - 1);
        if (hub == ceiling || !hub.name.startsWith("hub")) {
            return;
        }
        double share = eventsPerSecond(hub) / eventsPerSecond(ceiling);
        System.out.println();
        System.out.printf(Locale.ROOT, "hub / ceiling (append + fsync): %,.0f / %,.0f events/s = %.0f%% (target >= %.0f%%)   %s%n",
                eventsPerSecond(hub), eventsPerSecond(ceiling), 100 * share, 100 * TARGET_SHARE,
                share >= TARGET_SHARE ? "PASS" : "MISS");
        System.out.printf(Locale.ROOT, "latency hub / ceiling (append + fsync): p50 %.1f / %.1f ms, p99 %.1f / %.1f ms%n",
                millis(percentile(hub.latencies, 0.50)), millis(percentile(ceiling.latencies, 0.50)),
                millis(percentile(hub.latencies, 0.99)), millis(percentile(ceiling.latencies, 0.99)));
        if (phases.size() == 3) {
            Phase loose = phases.get(1);
            System.out.printf(Locale.ROOT, "for reference, hub / ceiling without fsync: %.0f%% (not the target's ceiling: the relay "
                    + "must fsync before it answers 200)%n", 100 * eventsPerSecond(hub) / eventsPerSecond(loose));
        }
    }

    private static double perRequest(Phase p, double cpuSeconds) {
        return p.ok == 0 ? Double.NaN : cpuSeconds * 1000 / p.ok;
    }

    private double eventsPerSecond(Phase p) {
        return p.ok * batch / (double) seconds;
    }

    private double requestsPerSecond(Phase p) {
        return p.ok / (double) seconds;
    }

    private static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
    }

    private static double millis(long nanos) {
        return nanos < 0 ? Double.NaN : nanos / 1e6;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    // ---- machine, processes, files -----------------------------------------------------------

    /** {idle + iowait, total} jiffies of all cores from /proc/stat, or null where there is none. */
    private static long[] machineCpu() {
        try {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(fields.length, 9); i++) {
                total += Long.parseLong(fields[i]);
            }
            return new long[] {Long.parseLong(fields[4]) + Long.parseLong(fields[5]), total};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** {user, system} clock ticks of a process from /proc/<pid>/stat, or null. */
    private static long[] processCpuTicks(ProcessHandle process) {
        if (process == null) {
            return null;
        }
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
            // the command (field 2) is in parentheses and may hold spaces: count from after it
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** CPU nanoseconds (user + system) of every live thread of this JVM, by thread id. */
    private static Map<Long, Long> threadCpu() {
        Map<Long, Long> cpu = new java.util.HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            long nanos = THREADS.getThreadCpuTime(id);
            if (nanos >= 0) {
                cpu.put(id, nanos);
            }
        }
        return cpu;
    }

    /**
     * CPU seconds since {@code before} by kind of thread: "server" (the ceiling's Vert.x event loops
     * and workers), "fake" (FakeWootric's JDK HttpServer) and "load" (the workers and HttpClient).
     * A thread that ended in between is missing; one that started counts from zero.
     */
    private static Map<String, Double> threadCpuSince(Map<Long, Long> before) {
        Map<String, Double> kinds = new LinkedHashMap<>();
        for (java.lang.management.ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long nanos = THREADS.getThreadCpuTime(info.getThreadId());
            if (nanos < 0) {
                continue;
            }
            String name = info.getThreadName();
            String kind = name.startsWith("vert.x-") ? "server"
                    : name.startsWith("HTTP-Dispatcher") || name.startsWith("pool-") ? "fake"
                    : name.startsWith("relay-bench-") || name.startsWith("HttpClient-") ? "load" : "other";
            kinds.merge(kind, (nanos - before.getOrDefault(info.getThreadId(), 0L)) / 1e9, Double::sum);
        }
        return kinds;
    }

    /** Journal files (*.jsonl, not the hidden .inflight- ones) directly in dir. */
    private static long count(Path dir) throws IOException {
        return journalFiles(dir).size();
    }

    /** Journal entries (lines of the journal files) directly in dir. */
    private static long entries(Path dir) throws IOException {
        long lines = 0;
        for (Path file : journalFiles(dir)) {
            try (java.io.InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                for (int b = in.read(); b >= 0; b = in.read()) {
                    lines += b == '\n' ? 1 : 0;
                }
            }
        }
        return lines;
    }

    private static List<Path> journalFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> {
                String name = f.getFileName().toString();
                return name.endsWith(".jsonl") && !name.startsWith(".") && Files.isRegularFile(f);
            }).toList();
        }
    }

    private static long countMatching(Path dir, String prefix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix)).count();
        }
    }

    private static String fileSystem(Path path) {
        try {
            var store = Files.getFileStore(path);
            return store.type() + " " + store.name();
        } catch (IOException e) {
            return "file system unknown";
        }
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How many WARN and ERROR lines the hub logged, and the first few distinct ones (numbers blanked to compare). */
    private static List<String> logSummary(String log) {
        int warn = 0;
        int error = 0;
        Map<String, String> distinct = new LinkedHashMap<>();
        for (String line : log.split("\n")) {
            boolean isWarn = line.contains(" WARN ");
            boolean isError = line.contains(" ERROR ");
            if (!isWarn && !isError) {
                continue;
            }
            warn += isWarn ? 1 : 0;
            error += isError ? 1 : 0;
            String text = line.length() > 400 ? line.substring(0, 400) + "..." : line;
            int level = Math.max(line.indexOf(" WARN "), line.indexOf(" ERROR "));
            String key = line.substring(level).replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}|\\d+", "#");
            if (distinct.size() < 5) {
                distinct.putIfAbsent(key.length() > 200 ? key.substring(0, 200) : key, text);
            }
        }
        List<String> notes = new ArrayList<>();
        notes.add(String.format(Locale.ROOT, "hub log: %,d WARN and %,d ERROR lines%s", warn, error,
                distinct.isEmpty() ? "" : "; the first distinct ones:"));
        distinct.values().forEach(line -> notes.add("  " + line));
        return notes;
    }

    private static String tail(String text, int lines) {
        String[] all = text.split("\n");
        return String.join("\n", Arrays.asList(all).subList(Math.max(0, all.length - lines), all.length));
    }
}
