package io.feedbackhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.feedbackhub.testing.HubProcess;
import io.feedbackhub.testing.RawUpload;
import io.feedbackhub.testing.fake.FakeWootric;

/**
 * The packaged hub on a small heap ({@code -Xmx96m}, exiting on OutOfMemoryError as the container
 * image runs it) under 1,000 uploads at once that are slow (a full-size batch but for its last
 * byte), oversized (chunked past the batch limit) or uncredentialed and huge (9 MB): it stays up,
 * answers each with 408, 413 or 429 as its limits say, and takes valid batches afterwards.
 */
class SegmentRelayStormIT {

    static final String WRITE_KEY = "itStormWriteKey";
    static final int UPLOADS = 1000;

    @TempDir
    Path data;

    @Test
    void aThousandSlowOrOversizedUploadsLeaveTheHeapBoundedAndTheHubAnswering() throws Exception {
        Path gcLog = data.resolveSibling(data.getFileName() + "-gc.log");
        try (FakeWootric wootric = new FakeWootric();
                HubProcess hub = HubProcess.create(data, Map.of(
                        "HUB_SEGMENT_ENABLED", "true",
                        "HUB_SEGMENT_WRITE_KEYS", WRITE_KEY,
                        "HUB_WOOTRIC_BASE_URL", wootric.baseUrl(),
                        "HUB_WOOTRIC_USERNAME", FakeWootric.USERNAME,
                        "HUB_WOOTRIC_PASSWORD", FakeWootric.PASSWORD,
                        "JAVA_TOOL_OPTIONS", "-Xmx96m -XX:+ExitOnOutOfMemoryError -Xlog:gc:file=" + gcLog))
                        .start().awaitReady(Duration.ofSeconds(90))) {
            int port = hub.publicPort();
            String good = RawUpload.basic(WRITE_KEY);
            byte[] almostAll = new byte[511_999];
            Arrays.fill(almostAll, (byte) ' ');
            byte[] chunk = new byte[8 * 1024];
            Arrays.fill(chunk, (byte) ' ');
            byte[] megabyte = new byte[1 << 20];

            List<RawUpload> uploads = new ArrayList<>();
            List<String> kinds = new ArrayList<>();
            ExecutorService senders = Executors.newFixedThreadPool(16);
            try {
                for (int i = 0; i < UPLOADS; i++) {
                    String kind = switch (i % 4) {
                        case 0, 1 -> "slow";
                        case 2 -> "chunked";
                        default -> "huge";
                    };
                    kinds.add(kind);
                    uploads.add(switch (kind) {
                        case "slow" -> RawUpload.start(port, "/v1/batch", 512_000, Map.of("Authorization", good));
                        case "chunked" -> RawUpload.start(port, "/v1/batch", -1, Map.of("Authorization", good));
                        default -> RawUpload.start(port, "/v1/import/", 9_000_000, Map.of());
                    });
                }
                List<Future<?>> sent = new ArrayList<>();
                for (int i = 0; i < UPLOADS; i++) {
                    RawUpload upload = uploads.get(i);
                    String kind = kinds.get(i);
                    sent.add(senders.submit(() -> {
                        switch (kind) {
                            case "slow" -> upload.send(almostAll);
                            case "chunked" -> {
                                for (int bytes = 0; bytes < 600_000 && upload.send(chunk); bytes += chunk.length) {
                                    // until the hub refuses it, or past the limit
                                }
                            }
                            default -> {
                                for (int bytes = 0; bytes < 9_000_000 && upload.send(megabyte); bytes += megabyte.length) {
                                    // until the hub refuses it
                                }
                            }
                        }
                    }));
                }
                for (Future<?> f : sent) {
                    f.get();
                }
                assertThat(hub.alive()).as("the hub survived the uploads:\n" + tail(hub.output())).isTrue();
                // with all of them still open (the slow ones hold their room until hub.segment.body-timeout)
                assertThat(batch(port)).isIn(200, 429);

                // every slow upload the hub took in is cut off by the body timeout (10 s): each gets its answer
                List<Future<Integer>> answers = new ArrayList<>();
                for (RawUpload upload : uploads) {
                    answers.add(senders.submit(() -> upload.status(Duration.ofSeconds(30))));
                }
                Map<String, Map<Integer, Integer>> statuses = new TreeMap<>();
                for (int i = 0; i < UPLOADS; i++) {
                    statuses.computeIfAbsent(kinds.get(i), k -> new TreeMap<>()).merge(answers.get(i).get(), 1, Integer::sum);
                }
                // status -1: the hub answered and closed while the client was still writing, so the
                // client's kernel dropped the answer on the reset; 0 would be no answer at all
                System.out.println("storm answers by kind (status=count): " + statuses);
                assertThat(statuses.get("slow").keySet()).isSubsetOf(408, 429, -1).contains(429);
                assertThat(statuses.get("chunked").keySet()).isSubsetOf(413, 429, -1);
                assertThat(statuses.get("huge").keySet()).isSubsetOf(413, -1).contains(413);
            } finally {
                uploads.forEach(RawUpload::close);
                senders.shutdownNow();
            }

            assertThat(hub.alive()).as("the hub is up:\n" + tail(hub.output())).isTrue();
            // the room every upload held is back: batch after batch is taken
            await().atMost(Duration.ofSeconds(30)).until(() -> batch(port) == 200);
            for (int i = 0; i < 20; i++) {
                assertThat(batch(port)).isEqualTo(200);
            }
            assertThat(hub.get("/q/health/live").statusCode()).isEqualTo(200);
            System.out.println("largest heap after a GC during the storm: " + largestHeapAfterGc(gcLog) + " MB of 96");
            hub.stop();
        }
    }

    private static int batch(int port) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/batch"))
                .header("Content-Type", "application/json").header("Authorization", RawUpload.basic(WRITE_KEY))
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString("{\"batch\":[{\"type\":\"track\",\"event\":\"after\",\"userId\":\"u1\"}]}"))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** From -Xlog:gc lines like "Pause Young (Normal) (G1 Evacuation Pause) 40M->12M(96M)". */
    private static long largestHeapAfterGc(Path gcLog) throws Exception {
        if (!Files.exists(gcLog)) {
            return -1;
        }
        Matcher m = Pattern.compile("->(\\d+)M\\(").matcher(Files.readString(gcLog));
        long largest = -1;
        while (m.find()) {
            largest = Math.max(largest, Long.parseLong(m.group(1)));
        }
        return largest;
    }

    private static String tail(String output) {
        return output.length() > 4000 ? output.substring(output.length() - 4000) : output;
    }
}
