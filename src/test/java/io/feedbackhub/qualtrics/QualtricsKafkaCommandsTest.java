package io.feedbackhub.qualtrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

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

    FakeQualtrics fake = FakeQualtricsServer.fake;

    @Test
    void aCommandOnTheTopicIsCarriedOutAndItsResultRecorded() throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, ConfigProvider.getConfig().getValue("hub.kafka.brokers", String.class));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            producer.send(new ProducerRecord<>(QualtricsCommandsOnKafka.TOPIC, "cmd-1", """
                    {"id":"cmd-1","method":"PUT","path":"/qualtrics/contacts/by-ext-ref/kafka-ext",
                     "body":{"firstName":"Kafka","email":"kafka@example.com"}}""")).get();
            producer.send(new ProducerRecord<>(QualtricsCommandsOnKafka.TOPIC, "cmd-2", """
                    {"id":"cmd-2","method":"POST","path":"/qualtrics/distributions/sms",
                     "body":{"surveyId":"SV_abc123abc123abc","method":"Reminder","sendDate":"2026-01-05T08:00:00Z",
                             "recipients":{"mailingListId":"CG_xxxxxxxxxxxxxxx"},"message":{"messageText":"Hi"}}}""")).get();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> fake.contacts().stream().anyMatch(c -> c.path("extRef").asText().equals("kafka-ext")));

        Map<String, String> results = KafkaTopics.readAll("hub." + QualtricsCommands.RESULTS_TABLE, 2);
        assertThat(results.values()).anySatisfy(r -> assertThat(r).contains("\"commandId\":\"cmd-1\"").contains("\"status\":200")
                .contains("\"source\":\"kafka\""));
        assertThat(results.values()).anySatisfy(r -> assertThat(r).contains("\"commandId\":\"cmd-2\"").contains("\"status\":400"));
        assertThat(fake.smsDistributions()).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> KafkaTopics.committed("feedback-hub-qualtrics-commands", QualtricsCommandsOnKafka.TOPIC) == 2);
    }
}
