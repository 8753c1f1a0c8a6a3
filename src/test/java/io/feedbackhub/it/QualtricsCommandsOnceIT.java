package io.feedbackhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.feedbackhub.testing.HubProcess;
import io.feedbackhub.testing.HubRuns;
import io.feedbackhub.testing.KafkaBroker;
import io.feedbackhub.testing.fake.FakeQualtrics;

/**
 * The packaged hub killed (kill -9) while Qualtrics holds the answer to a distribution: after a
 * restart, or on the replica that takes the commands partition over, the distribution is not
 * sent again and its outcome is visible.
 */
class QualtricsCommandsOnceIT {

    private static final Duration READY = Duration.ofSeconds(60);
    private static final String HUB_TOKEN = "it-hub-api-token-5a4b3c2d1e";
    private static final String TOPIC = "qualtrics-commands";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path temp;

    FakeQualtrics fake;

    @BeforeEach
    void startFake() throws Exception {
        fake = new FakeQualtrics();
        for (String dir : List.of("data", "replica-1", "replica-2")) {
            java.nio.file.Files.createDirectories(temp.resolve(dir));
        }
    }

    @AfterEach
    void stopFake() {
        fake.close();
    }

    Map<String, String> qualtrics() {
        Map<String, String> env = fake.hubEnvironment();
        // a held answer must outlast the kill
        env.put("HUB_QUALTRICS_REQUEST_TIMEOUT", "120s");
        env.put("HUB_API_TOKEN", HUB_TOKEN);
        return env;
    }

    static String invite(String survey) {
        return """
                {"surveyLink":{"surveyId":"%s","type":"Individual"},"header":{"fromEmail":"noreply@example.com","subject":"Pulse"},
                 "message":{"messageText":"How are we doing?"},"recipients":{"mailingListId":"CG_itOnceList0001"},
                 "sendDate":"2026-04-01T08:00:00Z"}""".formatted(survey);
    }

    CompletableFuture<HttpResponse<String>> sendEmail(HubProcess hub, String key, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.publicPort() + "/qualtrics/distributions/email"))
                .header("Authorization", "Bearer " + HUB_TOKEN).header("Content-Type", "application/json").header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    long distributionPosts() {
        return List.copyOf(fake.requests).stream().filter(r -> r.equals("POST /API/v3/distributions")).count();
    }

    String made(String survey) {
        return fake.emailDistributions().values().stream().filter(d -> d.path("surveyLink").path("surveyId").asText().equals(survey))
                .findFirst().orElseThrow().path("id").asText();
    }

    List<JsonNode> results(Path data, String commandId) {
        return HubRuns.table(data, "qualtrics_command_results").stream().filter(r -> r.path("commandId").asText().equals(commandId)).toList();
    }

    @Test
    void aDistributionSentJustBeforeAKillIsFoundAfterTheRestartNotSentAgain() throws Exception {
        Path data = temp.resolve("data");
        FakeQualtrics.Fault held = FakeQualtrics.Fault.heldAfterCommit("POST", "/distributions");
        fake.inject(held);
        try (HubProcess hub = HubProcess.create(data, qualtrics()).start().awaitReady(READY)) {
            sendEmail(hub, "it-kill-sent", invite("SV_itKillSent00001"));
            await().atMost(Duration.ofSeconds(30)).until(() -> distributionPosts() == 1);
            hub.kill();
        }
        held.release();
        try (HubProcess hub = HubProcess.create(data, qualtrics()).start().awaitReady(READY)) {
            // the caller lost its connection with the hub and asks again with the same key
            HttpResponse<String> again = sendEmail(hub, "it-kill-sent", invite("SV_itKillSent00001")).get();
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
            assertThat(JSON.readTree(again.body()).path("result").path("id").asText()).isEqualTo(made("SV_itKillSent00001"));
            assertThat(distributionPosts()).isEqualTo(1);
            assertThat(results(data, "it-kill-sent")).singleElement().satisfies(r -> {
                assertThat(r.path("outcome").asText()).isEqualTo("recovered");
                assertThat(r.path("qualtricsId").asText()).isEqualTo(made("SV_itKillSent00001"));
            });
            hub.stop();
        }
    }

    @Test
    void aDistributionWhoseFateAKillHidIsNotSentAgainAndReportedUnknown() throws Exception {
        Path data = temp.resolve("data");
        FakeQualtrics.Fault held = FakeQualtrics.Fault.heldAndLost("POST", "/distributions");
        fake.inject(held);
        try (HubProcess hub = HubProcess.create(data, qualtrics()).start().awaitReady(READY)) {
            sendEmail(hub, "it-kill-lost", invite("SV_itKillLost00001"));
            await().atMost(Duration.ofSeconds(30)).until(() -> distributionPosts() == 1);
            hub.kill();
        }
        held.release();
        try (HubProcess hub = HubProcess.create(data, qualtrics()).start().awaitReady(READY)) {
            HttpResponse<String> again = sendEmail(hub, "it-kill-lost", invite("SV_itKillLost00001")).get();
            assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
            assertThat(JSON.readTree(again.body()).path("outcome").asText()).isEqualTo("unknown");
            assertThat(distributionPosts()).isEqualTo(1);
            assertThat(results(data, "it-kill-lost")).singleElement()
                    .satisfies(r -> assertThat(r.path("outcome").asText()).isEqualTo("unknown"));
            hub.stop();
        }
    }

    @Test
    void theReplicaThatTakesTheCommandsPartitionOverDoesNotSendAgain() throws Exception {
        KafkaBroker broker = new KafkaBroker();
        String brokers = broker.start().get("hub.kafka.brokers");
        try {
            Map<String, String> env = qualtrics();
            env.put("HUB_KAFKA_BROKERS", brokers);
            env.put("HUB_CATALOG_SINK", "kafka");
            env.put("HUB_QUALTRICS_COMMANDS_TOPIC", TOPIC);
            // the group notices a killed member after 10 s instead of 45 s
            env.put("JAVA_TOOL_OPTIONS", "-Dcamel.component.kafka.session-timeout-ms=10000");
            FakeQualtrics.Fault held = FakeQualtrics.Fault.heldAfterCommit("POST", "/distributions");
            fake.inject(held);
            try (HubProcess first = HubProcess.create(temp.resolve("replica-1"), env).start().awaitReady(READY);
                    HubProcess second = HubProcess.create(temp.resolve("replica-2"), env)) {
                produce(brokers, "{\"id\":\"it-rebalance\",\"method\":\"POST\",\"path\":\"/qualtrics/distributions/email\",\"body\":"
                        + invite("SV_itRebalance0001") + "}");
                await().atMost(Duration.ofSeconds(60)).until(() -> distributionPosts() == 1);
                // a second replica joins the group while the first is in the middle of the command, then the first dies
                second.start().awaitReady(READY);
                first.kill();
                held.release();
                JsonNode result = awaitResult(brokers, "it-rebalance");
                assertThat(result.path("outcome").asText()).isEqualTo("recovered");
                assertThat(result.path("qualtricsId").asText()).isEqualTo(made("SV_itRebalance0001"));
                assertThat(distributionPosts()).isEqualTo(1);
                second.stop();
            }
        } finally {
            broker.stop();
        }
    }

    private static void produce(String brokers, String command) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            producer.send(new ProducerRecord<>(TOPIC, null, command)).get();
        }
    }

    /** The result of a command on the results topic, waiting for it (the takeover waits out the session timeout). */
    private static JsonNode awaitResult(String brokers, String commandId) throws Exception {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of("hub.qualtrics_command_results"));
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode result = JSON.readTree(record.value());
                    if (result.path("commandId").asText().equals(commandId)) {
                        return result;
                    }
                }
            }
        }
        throw new AssertionError("no result for " + commandId + " within 120 s");
    }
}
