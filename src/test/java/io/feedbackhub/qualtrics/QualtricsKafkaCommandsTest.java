package io.feedbackhub.qualtrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.feedbackhub.testing.FakeQualtricsServer;
import io.feedbackhub.testing.KafkaBroker;
import io.feedbackhub.testing.KafkaTopics;
import io.feedbackhub.testing.QualtricsCommandsOnKafka;
import io.feedbackhub.testing.TestHub;
import io.feedbackhub.testing.fake.FakeQualtrics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Commands on a real Kafka topic: carried out as the HTTP ones, results on the catalog topic, offsets committed. */
@QuarkusTest
@WithTestResource(TestHub.class)
@WithTestResource(FakeQualtricsServer.class)
@WithTestResource(KafkaBroker.class)
@WithTestResource(QualtricsCommandsOnKafka.class)
class QualtricsKafkaCommandsTest {

    static final String RESULTS = "hub." + QualtricsCommands.RESULTS_TABLE;
    static final String GROUP = "feedback-hub-qualtrics-commands";
    private static final ObjectMapper JSON = new ObjectMapper();

    FakeQualtrics fake = FakeQualtricsServer.fake;

    static String brokers() {
        return ConfigProvider.getConfig().getValue("hub.kafka.brokers", String.class);
    }

    static void send(String key, String command) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            producer.send(new ProducerRecord<>(QualtricsCommandsOnKafka.TOPIC, key, command)).get();
        }
    }

    /** The results recorded for a command id, once there are {@code count} of them. */
    static List<JsonNode> results(String commandId, int count) {
        return KafkaTopics.readValuesUntil(RESULTS, values -> values.stream().filter(v -> v.contains("\"commandId\":\"" + commandId + "\""))
                .count() >= count).stream().map(QualtricsKafkaCommandsTest::json)
                .filter(r -> r.path("commandId").asText().equals(commandId)).toList();
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    long distributionPosts() {
        return List.copyOf(fake.requests).stream().filter(r -> r.equals("POST /API/v3/distributions")).count();
    }

    @Test
    void aCommandOnTheTopicIsCarriedOutAndItsResultRecorded() throws Exception {
        send("cmd-1", """
                {"id":"cmd-1","method":"PUT","path":"/qualtrics/contacts/by-ext-ref/kafka-ext",
                 "body":{"firstName":"Kafka","email":"kafka@example.com"}}""");
        send("cmd-2", """
                {"id":"cmd-2","method":"POST","path":"/qualtrics/distributions/sms",
                 "body":{"surveyId":"SV_abc123abc123abc","method":"Reminder","sendDate":"2026-01-05T08:00:00Z",
                         "recipients":{"mailingListId":"CG_xxxxxxxxxxxxxxx"},"message":{"messageText":"Hi"}}}""");
        await().atMost(Duration.ofSeconds(30)).until(() -> fake.contacts().stream().anyMatch(c -> c.path("extRef").asText().equals("kafka-ext")));

        assertThat(results("cmd-1", 1)).singleElement().satisfies(r -> {
            assertThat(r.path("status").asInt()).isEqualTo(200);
            assertThat(r.path("source").asText()).isEqualTo("kafka");
        });
        assertThat(results("cmd-2", 1)).singleElement().satisfies(r -> assertThat(r.path("status").asInt()).isEqualTo(400));
        assertThat(fake.smsDistributions()).isEmpty();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> KafkaTopics.committed(GROUP, QualtricsCommandsOnKafka.TOPIC) == KafkaTopics.endOffset(QualtricsCommandsOnKafka.TOPIC));
    }

    @Test
    void aDistributionWhoseResultCouldNotBeWrittenIsNotSentAgainWhenRedelivered() throws Exception {
        // the broker refuses the result record (too large for the topic) until the test allows it again
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers()))) {
            if (!admin.listTopics().names().get().contains(RESULTS)) {
                admin.createTopics(List.of(new NewTopic(RESULTS, 1, (short) 1))).all().get();
            }
            ConfigResource results = new ConfigResource(ConfigResource.Type.TOPIC, RESULTS);
            admin.incrementalAlterConfigs(Map.of(results, List.of(new AlterConfigOp(new ConfigEntry("max.message.bytes", "64"),
                    AlterConfigOp.OpType.SET)))).all().get();
            long posts = distributionPosts();
            send("ignored-key", """
                    {"id":"send-once-1","method":"POST","path":"/qualtrics/distributions/email",
                     "body":{"surveyLink":{"surveyId":"SV_kafkaOnce000001"},"header":{"fromEmail":"noreply@example.com","subject":"Pulse"},
                             "message":{"messageText":"How are we doing?"},"recipients":{"mailingListId":"CG_kafkaList00001"},
                             "sendDate":"2026-03-02T08:00:00Z"}}""");
            await().atMost(Duration.ofSeconds(30)).until(() -> distributionPosts() == posts + 1);
            String made = fake.emailDistributions().values().stream()
                    .filter(d -> d.path("surveyLink").path("surveyId").asText().equals("SV_kafkaOnce000001")).findFirst().orElseThrow()
                    .path("id").asText();
            // the result write fails, the offset stays, the command comes again and again: nothing more goes out
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> distributionPosts() == posts + 1);
            assertThat(KafkaTopics.committed(GROUP, QualtricsCommandsOnKafka.TOPIC)).isLessThan(KafkaTopics.endOffset(QualtricsCommandsOnKafka.TOPIC));

            admin.incrementalAlterConfigs(Map.of(results, List.of(new AlterConfigOp(new ConfigEntry("max.message.bytes", ""),
                    AlterConfigOp.OpType.DELETE)))).all().get();
            assertThat(results("send-once-1", 1)).singleElement().satisfies(r -> {
                assertThat(r.path("status").asInt()).isEqualTo(200);
                assertThat(r.path("outcome").asText()).isEqualTo("remembered");
                assertThat(r.path("qualtricsId").asText()).isEqualTo(made);
            });
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> KafkaTopics.committed(GROUP, QualtricsCommandsOnKafka.TOPIC) == KafkaTopics.endOffset(QualtricsCommandsOnKafka.TOPIC));
            assertThat(distributionPosts()).isEqualTo(posts + 1);
        }
    }
}
