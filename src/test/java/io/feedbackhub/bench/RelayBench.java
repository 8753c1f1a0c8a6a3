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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import io.feedbackhub.testing.HubProcess;
import io.feedbackhub.testing.fake.FakeWootric;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

/**
 * {@code bench/relay}: N concurrent clients post Segment batches of 100 {@code identify} events to
 * {@code POST /v1/batch} of the packaged hub's Segment relay and of a minimal Vert.x server that
 * only group-commits the bodies to a file with one fsync per group (the ceiling), in alternating
 * rounds of the same run. Prints accepted events/s, requests/s, p50/p99 latency of the 200 and
 * errors for each, and the ratio hub / ceiling (target: at least 70%).
 *
 * <p>A plain main, not a test: the normal suite never runs it. Started by {@code bench/relay/run},
 * with the working directory holding {@code target/quarkus-app}, {@code routes/} and
 * {@code src/test/resources/routes/} (what {@link HubProcess} expects). Exit code 1 when the hub
 * does not start or does not take a probe batch, or when its journal holds fewer entries than it answered 200.
 *
 * <p>Settings (system properties): {@code bench.workers} (concurrent clients, 16),
 * {@code bench.warmupSeconds} (warm-up of each target, 20), {@code bench.rounds} (6),
 * {@code bench.roundSeconds} (each target's window in a round, 10), {@code bench.batch}
 * (events a request, 100), {@code bench.users} (distinct userIds, 10000), {@code bench.noFsync}
 * (also run the ceiling without fsync, false), {@code bench.drainSeconds} (after the rounds, how
 * long to watch delivery with no load, 10), {@code bench.wootricRateLimit} (requests a minute the
 * fake Wootric allows, as Wootric's documented example limit: 100; 0 for none), {@code bench.journalMaxBytes}
 * (the hub's {@code hub.segment.journal-max-bytes}, 64G), {@code bench.hubJavaOptions} (JAVA_TOOL_OPTIONS of the
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
    private final int rounds = Integer.getInteger("bench.rounds", 6);
    private final int roundSeconds = Integer.getInteger("bench.roundSeconds", 10);
    private final int batch = Integer.getInteger("bench.batch", 100);
    private final int users = Integer.getInteger("bench.users", 10_000);
    private final boolean noFsync = Boolean.parseBoolean(System.getProperty("bench.noFsync", "false"));
    private final int drainSeconds = Integer.getInteger("bench.drainSeconds", 10);
    private final int wootricRateLimit = Integer.getInteger("bench.wootricRateLimit", 100);
    private final String hubJavaOptions = System.getProperty("bench.hubJavaOptions", "-Xmx512m");
    private final String journalMaxBytes = System.getProperty("bench.journalMaxBytes", "64G");
    private final String authorization = "Basic "
            + Base64.getEncoder().encodeToString((WRITE_KEY + ":").getBytes(StandardCharsets.UTF_8));
    /** The clients, the same threads for every window, so their CPU time is counted whole. */
    private final ExecutorService clients = Executors.newFixedThreadPool(workers, new java.util.concurrent.ThreadFactory() {
        private final AtomicInteger n = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "relay-bench-" + n.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        }
    });
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

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
                + "warm-up %d s each, then %d rounds of %d s each, alternating; hub JAVA_TOOL_OPTIONS=%s%n", workers, batch, users,
                warmupSeconds, rounds, roundSeconds, hubJavaOptions);
        System.out.printf(Locale.ROOT, "java %s, %d cpus, load average %s, data dir %s (%s)%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), loadAverage(), data, fileSystem(data));

        try (FakeWootric fake = new FakeWootric()) {
            // real Wootric limits requests per minute and account; without a limit, delivery to the
            // fake runs flat out and takes CPU from intake that it could never take from Wootric
            fake.rateLimit = wootricRateLimit;
            System.out.printf(Locale.ROOT, "fake Wootric: %s%n",
                    wootricRateLimit > 0 ? wootricRateLimit + " requests a minute (X-Rate-Limit-*)" : "no rate limit");
            Map<String, String> env = new LinkedHashMap<>();
            env.put("HUB_SEGMENT_ENABLED", "true");
            env.put("HUB_SEGMENT_WRITE_KEYS", WRITE_KEY);
            // a bench run journals gigabytes, faster than the rate-limited delivery drains them
            env.put("HUB_SEGMENT_JOURNAL_MAX_BYTES", journalMaxBytes);
            env.put("HUB_WOOTRIC_BASE_URL", fake.baseUrl());
            env.put("HUB_WOOTRIC_USERNAME", FakeWootric.USERNAME);
            env.put("HUB_WOOTRIC_PASSWORD", FakeWootric.PASSWORD);
            env.put("JAVA_TOOL_OPTIONS", hubJavaOptions);
            try (HubProcess hub = HubProcess.create(data, env);
                    Ceiling ceiling = new Ceiling(ceilingDir.resolve("ceiling-fsync.jsonl"), true);
                    Ceiling loose = noFsync ? new Ceiling(ceilingDir.resolve("ceiling.jsonl"), false) : null) {
                // Ctrl-C on the bench must not leave the hub running
                Runtime.getRuntime().addShutdownHook(new Thread(hub::close));
                long startAt = System.nanoTime();
                hub.start().awaitReady(Duration.ofSeconds(90));
                URI hubUri = URI.create("http://127.0.0.1:" + hub.publicPort() + "/v1/batch");
                ProcessHandle hubProcess = ProcessHandle.current().children()
                        .filter(p -> p.info().commandLine().orElse("").contains("quarkus-run.jar")).findFirst().orElse(null);
                probe(hubUri, hub);
                System.out.printf(Locale.ROOT, "hub ready in %.1f s and took a probe batch%n", seconds(System.nanoTime() - startAt));

                List<Target> targets = new ArrayList<>();
                targets.add(new Target("ceiling: group commit + fsync", ceiling.uri(), ceiling));
                if (loose != null) {
                    targets.add(new Target("ceiling: group commit, no fsync", loose.uri(), loose));
                }
                Target relay = new Target("hub (Segment relay)", hubUri, null);
                targets.add(relay);

                Path journal = data.resolve("journal").resolve("segment");
                long doneBefore = count(journal.resolve("done"));
                int writesBefore = fake.writes.size();
                int apiBefore = fake.apiRequests.get();
                long loadStarted = System.nanoTime();
                for (Target target : targets) {
                    System.out.printf(Locale.ROOT, "warm-up %d s: %s%n", warmupSeconds, target.name);
                    Window w = window(target, warmupSeconds, hubProcess);
                    target.totalOk += w.totalOk;
                    target.warmupErrors += w.errors;
                }
                for (int r = 0; r < rounds; r++) {
                    // ABBA order: a drift of the machine's load over the run weighs on both sides alike
                    List<Target> order = new ArrayList<>(targets);
                    if (r % 2 == 1) {
                        java.util.Collections.reverse(order);
                    }
                    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "round %d/%d:", r + 1, rounds));
                    for (Target target : order) {
                        Window w = window(target, roundSeconds, hubProcess);
                        target.add(w);
                        if (target != relay) {
                            relay.cpuWhileIdle += w.hubCpu;
                        }
                        line.append(String.format(Locale.ROOT, "  %s %,.0f req/s (others %.0f%%)", target.shortName(),
                                w.ok / (double) roundSeconds, 100 * w.othersShare()));
                    }
                    line.append(String.format(Locale.ROOT, "  ratio %.2f; load average %s", relay.roundOk.get(r)
                            / (double) targets.get(0).roundOk.get(r), loadAverage()));
                    System.out.println(line);
                }
                double loadSeconds = seconds(System.nanoTime() - loadStarted);
                long pending = count(journal);
                long delivered = count(journal.resolve("done")) - doneBefore;
                int writes = fake.writes.size() - writesBefore;
                relay.notes.add(String.format(Locale.ROOT, "delivery backlog at the end of the load: %,d journal files "
                        + "not yet in done/. During the %.0f s of warm-ups and rounds: %,d files moved to done/, the fake Wootric saw "
                        + "%,d API requests and %,d end-user writes (~%,.1f identifies delivered a second); the hub's process used "
                        + "%.1f s CPU during the ceiling's rounds", pending, loadSeconds, delivered, fake.apiRequests.get() - apiBefore,
                        writes, writes / loadSeconds, relay.cpuWhileIdle));
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

                hub.stop();
                relay.notes.addAll(logSummary(hub.output()));
                // after the stop nothing moves: every 200 of the hub must be one journal entry (a line),
                // pending, delivered, or in a file still hidden (the next start hands it to delivery)
                long pendingAfter = entries(journal, false);
                long doneAfter = entries(journal.resolve("done"), false);
                long hiddenAfter = entries(journal, true);
                long journaled = pendingAfter + doneAfter + hiddenAfter;
                long files = count(journal) + count(journal.resolve("done"));
                long answered = relay.totalOk + 1; // the probe
                String check = String.format(Locale.ROOT, "journal after the hub stopped: %,d pending + %,d done + %,d hidden = %,d "
                        + "entries for %,d answers 200 (the probe included), in %,d visible files", pendingAfter, doneAfter,
                        hiddenAfter, journaled, answered, files);
                relay.notes.add(check);
                if (journaled > answered) {
                    relay.notes.add("more journal entries than 200s: requests that ended in an error were journaled all the same");
                }
                for (Target target : targets) {
                    if (target.ceiling != null) {
                        target.perGroup = target.ceiling.requests.get() / (double) Math.max(1, target.ceiling.groups.get());
                        target.notes.add(String.format(Locale.ROOT, "%,d requests written in %,d groups (%,d bytes)",
                                target.ceiling.requests.get(), target.ceiling.groups.get(), target.ceiling.bytes.get()));
                    }
                }
                if (journaled < answered) {
                    print(targets);
                    throw new BenchFailure(check + ": answered 200 but not journaled\nend of the hub log:\n"
                            + tail(hub.output(), 40));
                }
                print(targets);
            }
        } finally {
            clients.shutdownNow();
        }
    }

    /** One batch before anything is measured: the relay must be up and answer 200. */
    private void probe(URI uri, HubProcess hub) throws InterruptedException {
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

    /**
     * A Vert.x HTTP server that answers {@code 200 {"success":true}} once the body is in a file: as
     * many server instances as Quarkus puts on event loops (2 per core) hand each body to one writer
     * thread, which writes everything that queued up meanwhile in one go and forces it with one
     * fsync (a group commit), then answers the whole group.
     */
    static final class Ceiling implements AutoCloseable {
        private static final ByteBuffer NEWLINE = ByteBuffer.wrap(new byte[] {'\n'});

        private record Pending(Buffer body, HttpServerRequest request, Context context) {
        }

        private final Path file;
        private final boolean fsync;
        private final FileChannel channel;
        private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
        private final Thread writer;
        private final Vertx vertx = Vertx.vertx();
        private final int port = freePort();
        final AtomicLong requests = new AtomicLong();
        final AtomicLong groups = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();

        Ceiling(Path file, boolean fsync) throws Exception {
            this.file = file;
            this.fsync = fsync;
            Files.deleteIfExists(file);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            writer = new Thread(this::write, "ceiling-writer" + (fsync ? "-fsync" : ""));
            writer.setDaemon(true);
            writer.start();
            int instances = 2 * Runtime.getRuntime().availableProcessors();
            vertx.deployVerticle(() -> new AbstractVerticle() {
                @Override
                public void start(Promise<Void> started) {
                    HttpServer server = vertx.createHttpServer();
                    server.requestHandler(request -> {
                        Context context = vertx.getOrCreateContext();
                        request.body().onSuccess(body -> queue.add(new Pending(body, request, context)));
                    });
                    server.listen(port, "127.0.0.1").<Void>mapEmpty().onComplete(started);
                }
            }, new DeploymentOptions().setInstances(instances)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + port + "/v1/batch");
        }

        /** The writer thread: takes what queued up, one write and one fsync for all of it, then answers all of it. */
        private void write() {
            List<Pending> group = new ArrayList<>();
            while (true) {
                group.clear();
                try {
                    group.add(queue.take());
                } catch (InterruptedException e) {
                    return;
                }
                queue.drainTo(group);
                ByteBuffer[] records = new ByteBuffer[2 * group.size()];
                long size = 0;
                for (int i = 0; i < group.size(); i++) {
                    Buffer body = group.get(i).body();
                    records[2 * i] = ByteBuffer.wrap(body.getBytes());
                    records[2 * i + 1] = NEWLINE.duplicate();
                    size += body.length() + 1L;
                }
                String failure = null;
                try {
                    for (long written = 0; written < size;) {
                        written += channel.write(records);
                    }
                    if (fsync) {
                        channel.force(true);
                    }
                } catch (IOException e) {
                    failure = e.toString();
                }
                groups.incrementAndGet();
                requests.addAndGet(group.size());
                bytes.addAndGet(size);
                for (Pending pending : group) {
                    String error = failure;
                    pending.context().runOnContext(v -> {
                        if (error == null) {
                            pending.request().response().setStatusCode(200).putHeader("Content-Type", "application/json")
                                    .end(Buffer.buffer(SUCCESS));
                        } else {
                            pending.request().response().setStatusCode(503).end(error);
                        }
                    });
                }
            }
        }

        @Override
        public void close() throws Exception {
            try {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } finally {
                writer.interrupt();
                writer.join(10_000);
                channel.close();
                Files.deleteIfExists(file);
            }
        }
    }

    // ---- the load ----------------------------------------------------------------------------

    /** One side of the comparison, and the sums of its measured windows. */
    static final class Target {
        final String name;
        final URI uri;
        /** The ceiling's server, or null for the hub. */
        final Ceiling ceiling;
        long ok;
        long errors;
        long warmupErrors;
        /** Every 200 it answered, warm-up and the tails after windows included: the journal check's count. */
        long totalOk;
        long bodyBytes;
        long bodies;
        final List<long[]> latencies = new ArrayList<>();
        final List<Long> roundOk = new ArrayList<>();
        long idleJiffies;
        long totalJiffies;
        long othersJiffies;
        /** CPU seconds in the measured windows: the server (hub process or the ceiling's threads), user and system. */
        double serverUser;
        double serverSys;
        /** CPU seconds in the measured windows of this JVM's load generator threads (workers, HttpClient) and of the fake. */
        double loadCpu;
        double fakeCpu;
        /** The hub only: its process's CPU seconds while the ceiling was measured (delivery, pollers). */
        double cpuWhileIdle;
        /** Requests a write + fsync of the ceiling (the hub does not tell). */
        double perGroup = Double.NaN;
        String firstError;
        final List<String> notes = new ArrayList<>();

        Target(String name, URI uri, Ceiling ceiling) {
            this.name = name;
            this.uri = uri;
            this.ceiling = ceiling;
        }

        String shortName() {
            return ceiling == null ? "hub" : ceiling.fsync ? "ceiling" : "no-fsync";
        }

        void add(Window w) {
            ok += w.ok;
            errors += w.errors;
            totalOk += w.totalOk;
            bodyBytes += w.bodyBytes;
            bodies += w.bodies;
            latencies.add(w.latencies);
            roundOk.add(w.ok);
            idleJiffies += w.idleJiffies;
            totalJiffies += w.totalJiffies;
            othersJiffies += w.othersJiffies;
            serverUser += w.serverUser;
            serverSys += w.serverSys;
            loadCpu += w.loadCpu;
            fakeCpu += w.fakeCpu;
            if (firstError == null) {
                firstError = w.firstError;
            }
        }

        long[] sortedLatencies() {
            long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            return all;
        }
    }

    /** What one target did in one window. */
    static final class Window {
        long ok;
        long errors;
        long totalOk;
        long bodyBytes;
        long bodies;
        long[] latencies;
        long idleJiffies;
        long totalJiffies;
        /** Busy jiffies of processes other than this bench and the hub (other people's builds). */
        long othersJiffies;
        double serverUser;
        double serverSys;
        double loadCpu;
        double fakeCpu;
        /** The hub's process CPU seconds in the window, whichever target was loaded. */
        double hubCpu;
        String firstError;

        double othersShare() {
            return totalJiffies == 0 ? Double.NaN : othersJiffies / (double) totalJiffies;
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

    /** The load on one target for {@code seconds}; hub: the hub's process, whose CPU time is the server's (null when not found). */
    private Window window(Target target, int seconds, ProcessHandle hub) throws Exception {
        long[] cpu0 = machineCpu();
        long[] hub0 = processCpuTicks(hub);
        long[] self0 = processCpuTicks(ProcessHandle.current());
        Map<Long, Long> threads0 = threadCpu();
        long from = System.nanoTime();
        long to = from + TimeUnit.SECONDS.toNanos(seconds);
        AtomicReference<String> firstError = new AtomicReference<>();
        List<Future<Tally>> tallies = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            tallies.add(clients.submit(() -> {
                Tally tally = new Tally();
                work(target.uri, from, to, tally, firstError);
                return tally;
            }));
        }
        TimeUnit.NANOSECONDS.sleep(Math.max(0, to - System.nanoTime()));
        long[] cpu1 = machineCpu();
        long[] hub1 = processCpuTicks(hub);
        long[] self1 = processCpuTicks(ProcessHandle.current());
        Map<String, Double> threads = threadCpuSince(threads0);

        Window window = new Window();
        List<Tally> done = new ArrayList<>();
        for (Future<Tally> tally : tallies) {
            try {
                done.add(tally.get(60, TimeUnit.SECONDS));
            } catch (java.util.concurrent.TimeoutException e) {
                throw new BenchFailure(target.name + ": requests still open 60 s after the end of the load");
            }
        }
        int all = 0;
        for (Tally t : done) {
            all += t.n;
            window.ok += t.ok;
            window.errors += t.errors;
            window.totalOk += t.totalOk;
            window.bodyBytes += t.bodyBytes;
            window.bodies += t.bodies;
        }
        window.latencies = new long[all];
        int at = 0;
        for (Tally t : done) {
            System.arraycopy(t.latencies, 0, window.latencies, at, t.n);
            at += t.n;
        }
        window.firstError = firstError.get();
        if (cpu0 != null && cpu1 != null) {
            window.idleJiffies = cpu1[0] - cpu0[0];
            window.totalJiffies = cpu1[1] - cpu0[1];
            long ours = (hub0 != null && hub1 != null ? hub1[0] + hub1[1] - hub0[0] - hub0[1] : 0)
                    + (self0 != null && self1 != null ? self1[0] + self1[1] - self0[0] - self0[1] : 0);
            window.othersJiffies = Math.max(0, window.totalJiffies - window.idleJiffies - ours);
        }
        window.loadCpu = threads.getOrDefault("load", 0.0);
        window.fakeCpu = threads.getOrDefault("fake", 0.0);
        if (hub0 != null && hub1 != null) {
            window.hubCpu = (hub1[0] + hub1[1] - hub0[0] - hub0[1]) / (double) CLOCK_TICKS;
        }
        if (target.ceiling == null) {
            if (hub0 != null && hub1 != null) {
                window.serverUser = (hub1[0] - hub0[0]) / (double) CLOCK_TICKS;
                window.serverSys = (hub1[1] - hub0[1]) / (double) CLOCK_TICKS;
            }
        } else {
            // thread CPU time holds user and system time together
            window.serverUser = threads.getOrDefault("server", 0.0);
        }
        return window;
    }

    /**
     * One client: a new batch (fresh messageIds, users drawn from {@code bench.users}), sent as soon
     * as the previous one is answered, until {@code to}. Counted in the window when it completes by {@code to}.
     */
    private void work(URI uri, long from, long to, Tally tally, AtomicReference<String> firstError) {
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

    private void print(List<Target> targets) {
        int measured = rounds * roundSeconds;
        System.out.println();
        System.out.printf(Locale.ROOT, "%-32s %9s %10s %7s %7s %6s %8s %8s %15s %9s %9s%n", "", "events/s", "requests/s", "p50 ms",
                "p99 ms", "errors", "machine", "others", "server CPU", "load gen", "requests");
        System.out.printf(Locale.ROOT, "%-32s %9s %10s %7s %7s %6s %8s %8s %15s %9s %9s%n", "", "", "", "", "", "", "busy", "",
                "ms/req (sys)", "ms/req", "a group");
        for (Target t : targets) {
            long[] latencies = t.sortedLatencies();
            System.out.printf(Locale.ROOT, "%-32s %,9.0f %,10.1f %7.1f %7.1f %,6d %7.0f%% %7.0f%% %15s %9.2f %9s%n", t.name,
                    t.ok * batch / (double) measured, t.ok / (double) measured, millis(percentile(latencies, 0.50)),
                    millis(percentile(latencies, 0.99)), t.errors,
                    100 * (1 - t.idleJiffies / (double) Math.max(1, t.totalJiffies)),
                    100 * t.othersJiffies / (double) Math.max(1, t.totalJiffies),
                    t.serverSys == 0 ? String.format(Locale.ROOT, "%.2f", perRequest(t, t.serverUser))
                            : String.format(Locale.ROOT, "%.2f (%.2f)", perRequest(t, t.serverUser + t.serverSys),
                                    perRequest(t, t.serverSys)), perRequest(t, t.loadCpu),
                    Double.isNaN(t.perGroup) ? "-" : String.format(Locale.ROOT, "%.1f", t.perGroup));
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "%d workers, %d events a request (%,d bytes on average); each target warmed up %d s, then "
                + "measured in %d rounds of %d s (%d s in all), the targets alternating (ABBA).%n"
                + "machine busy: share of all %d cores busy (not idle, not iowait) in the measured windows; others: the share "
                + "that neither this bench's JVM nor the hub used (other processes on the machine). server CPU: CPU time in the "
                + "windows per request answered 200, of the hub's process (user + system, system in brackets) or of the ceiling's "
                + "Vert.x and writer threads (user and system together). load gen: the same for this JVM's workers and HttpClient "
                + "threads. requests a group: per write + fsync of the ceiling (warm-up included).%n",
                workers, batch, targets.get(0).bodyBytes / Math.max(1, targets.get(0).bodies), warmupSeconds, rounds, roundSeconds,
                measured, Runtime.getRuntime().availableProcessors());
        for (Target t : targets) {
            if (t.fakeCpu > 0.05) {
                System.out.printf(Locale.ROOT, "%s: the fake Wootric (this JVM) used %.1f s CPU in the windows%n", t.name, t.fakeCpu);
            }
            if (t.warmupErrors > 0) {
                System.out.printf(Locale.ROOT, "%s: %,d errors during the warm-up%n", t.name, t.warmupErrors);
            }
            for (String note : t.notes) {
                System.out.println(t.name + ": " + note);
            }
            if (t.firstError != null) {
                System.out.println(t.name + ": first error: " + t.firstError);
            }
        }
        Target ceiling = targets.get(0);
        Target hub = targets.get(targets.size() - 1);
        double share = hub.ok / (double) ceiling.ok;
        double low = Double.MAX_VALUE;
        double high = 0;
        for (int r = 0; r < hub.roundOk.size(); r++) {
            double ratio = hub.roundOk.get(r) / (double) ceiling.roundOk.get(r);
            low = Math.min(low, ratio);
            high = Math.max(high, ratio);
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "hub / ceiling (group commit + fsync): %,.1f / %,.1f requests/s = %.2f (rounds %.2f to %.2f; "
                + "target >= %.2f)   %s%n", hub.ok / (double) measured, ceiling.ok / (double) measured, share, low, high, TARGET_SHARE,
                share >= TARGET_SHARE ? "PASS" : "MISS");
        long[] hubLatencies = hub.sortedLatencies();
        long[] ceilingLatencies = ceiling.sortedLatencies();
        System.out.printf(Locale.ROOT, "latency hub / ceiling: p50 %.1f / %.1f ms, p99 %.1f / %.1f ms; load average at the end %s%n",
                millis(percentile(hubLatencies, 0.50)), millis(percentile(ceilingLatencies, 0.50)),
                millis(percentile(hubLatencies, 0.99)), millis(percentile(ceilingLatencies, 0.99)), loadAverage());
        if (targets.size() == 3) {
            System.out.printf(Locale.ROOT, "for reference, hub / ceiling without fsync: %.2f (not the target's ceiling: the relay "
                    + "must fsync before it answers 200)%n", hub.ok / (double) targets.get(1).ok);
        }
    }

    private static double perRequest(Target t, double cpuSeconds) {
        return t.ok == 0 ? Double.NaN : cpuSeconds * 1000 / t.ok;
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

    /** The 1, 5 and 15 minute load averages of /proc/loadavg. */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

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
     * and writer), "fake" (FakeWootric's JDK HttpServer) and "load" (the workers and HttpClient).
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
            String kind = name.startsWith("vert.x-") || name.startsWith("ceiling-writer") ? "server"
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

    /** Journal entries (lines of the journal files) directly in dir: of the visible files, or of the hidden ones. */
    private static long entries(Path dir, boolean hidden) throws IOException {
        long lines = 0;
        for (Path file : hidden ? hiddenFiles(dir) : journalFiles(dir)) {
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

    private static List<Path> hiddenFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith(".") && Files.isRegularFile(f)).toList();
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
