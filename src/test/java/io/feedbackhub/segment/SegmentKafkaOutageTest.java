package io.feedbackhub.segment;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.feedbackhub.testing.FakeWootricServer;
import io.feedbackhub.testing.KafkaBroker;
import io.feedbackhub.testing.LogCapture;
import io.feedbackhub.testing.Management;
import io.feedbackhub.testing.SegmentEnabled;
import io.feedbackhub.testing.TestHub;
import io.feedbackhub.testing.fake.FakeWootric;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Outages with the Kafka journal. Wootric down for longer than the journal consumer's
 * max.poll.interval.ms: the consumer stays in its group (same member, no rebalance), and once Wootric
 * is back every event arrives once, in order. The catalog down after Wootric took the messages:
 * growing pauses, and each message is written to Wootric once and to the catalog once.
 */
@QuarkusTest
@WithTestResource(TestHub.class)
@WithTestResource(SegmentEnabled.class)
@WithTestResource(FakeWootricServer.class)
@WithTestResource(KafkaBroker.class)
@WithTestResource(SegmentKafkaOutageTest.ShortPollInterval.class)
class SegmentKafkaOutageTest {

    static final Duration MAX_POLL_INTERVAL = Duration.ofSeconds(10);
    static final String GROUP = "feedback-hub-segment";
    static final String EVENTS_TOPIC = "hub.segment_events";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static class ShortPollInterval implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of("hub.segment.journal-max-poll-interval", MAX_POLL_INTERVAL.toMillis() + "ms");
        }

        @Override
        public void stop() {
        }
    }

    @Test
    void aWootricOutageLongerThanThePollIntervalCostsNoRebalanceAndEveryEventArrivesOnceInOrder() throws Exception {
        FakeWootric fake = FakeWootricServer.fake;
        String run = "kafka-outage-" + UUID.randomUUID().toString().substring(0, 8);
        int users = 3;
        int steps = 3;
        List<String> wootricIds = knownUsers(fake, run, users);
        // the consumer is in its group before anything is sent
        String member = await().atMost(Duration.ofSeconds(60)).until(SegmentKafkaOutageTest::members, m -> m.size() == 1).get(0);

        LogCapture rebalances = LogCapture.of(text -> text.contains("poll timeout has expired") || text.contains("Successfully joined group")
                || text.contains("Revoke previously assigned partitions"));
        try (rebalances) {
            fake.failWhen = request -> request.startsWith("/v1/end_users");
            for (int step = 0; step < steps; step++) {
                for (int u = 0; u < users; u++) {
                    // one request each: nothing is coalesced, every identify is its own write
                    post("{\"userId\":\"" + run + "-" + u + "\",\"traits\":{\"step\":\"" + step + "\"}}");
                }
            }
            // an outage of 2.5 poll intervals, ready all along and with nothing written
            Duration outage = MAX_POLL_INTERVAL.multipliedBy(5).dividedBy(2);
            await().during(outage).atMost(outage.plusSeconds(10)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> Management.anonymous().get("/q/health/ready").statusCode() == 200
                            && writes(fake, wootricIds.get(0)).isEmpty());
            fake.failWhen = request -> false;

            await().atMost(Duration.ofSeconds(120)).until(() -> wootricIds.stream().allMatch(id -> writes(fake, id).size() >= steps));
            // nothing comes twice behind the last one
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> wootricIds.stream().allMatch(id -> writes(fake, id).size() == steps));
            for (int u = 0; u < users; u++) {
                assertThat(writes(fake, wootricIds.get(u))).as("user %d's writes, once each and in order", u)
                        .containsExactly("0", "1", "2");
            }
        }
        assertThat(rebalances.texts()).as("evictions or rebalances of the journal consumer").isEmpty();
        assertThat(members()).as("the group's member").containsExactly(member);
    }

    @Test
    void aCatalogOutageAfterWootricTookTheMessagesCostsOneWootricWriteEachAndGrowingPauses() throws Exception {
        FakeWootric fake = FakeWootricServer.fake;
        fake.failWhen = request -> false;
        String run = "catalog-outage-" + UUID.randomUUID().toString().substring(0, 8);
        int users = 3;
        List<String> wootricIds = knownUsers(fake, run, users);
        LogCapture failures = LogCapture.of(text -> text.startsWith("segment-journal-read: the record at offset"));
        try (failures; Admin admin = admin()) {
            // the catalog table's topic takes no record: every catalog write fails, the journal's topic is unaffected
            catalogTopicTakes(admin, "64");
            for (int u = 0; u < users; u++) {
                post("{\"userId\":\"" + run + "-" + u + "\",\"traits\":{\"plan\":\"Pro\"}}");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> writes(fake, wootricIds.get(0)).size() == 1);
            // the outage lasts four failed attempts (pauses of 1, 2, 4 s)
            await().atMost(Duration.ofSeconds(40)).until(() -> failures.times().size() >= 4);
            assertThat(writes(fake, wootricIds.get(0))).as("Wootric writes of the first message during the outage").hasSize(1);
            catalogTopicTakes(admin, null);

            await().atMost(Duration.ofSeconds(90)).until(() -> wootricIds.stream().allMatch(id -> writes(fake, id).size() == 1)
                    && recordedUsers(run).size() == users);
            // nothing comes twice behind the last one
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> wootricIds.stream().allMatch(id -> writes(fake, id).size() == 1) && recordedUsers(run).size() == users);
            for (int u = 0; u < users; u++) {
                assertThat(writes(fake, wootricIds.get(u))).as("user %d's Wootric writes", u).hasSize(1);
            }
            assertThat(recordedUsers(run)).as("events in the catalog, each once").containsExactlyInAnyOrder(run + "-0", run + "-1", run + "-2");
        }
        List<Instant> attempts = failures.times();
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < attempts.size(); i++) {
            gaps.add(Duration.between(attempts.get(i - 1), attempts.get(i)).toMillis());
        }
        // pauses of 1, 2, 4, 8 s; a paused consumer takes its resume when a poll returns (within a second)
        assertThat(attempts).as("failed attempts in the outage (gaps %s)", gaps).hasSizeBetween(4, 6);
        assertThat(gaps.get(0)).as("the first pause (gaps %s)", gaps).isGreaterThanOrEqualTo(900);
        assertThat(gaps.get(gaps.size() - 1) - gaps.get(0)).as("the pauses grow (gaps %s)", gaps).isGreaterThanOrEqualTo(1_500);
    }

    /** Sets the largest record the topic of {@code segment_events} takes; null: back to the broker's default. */
    private static void catalogTopicTakes(Admin admin, String maxMessageBytes) throws Exception {
        try {
            admin.createTopics(List.of(new NewTopic(EVENTS_TOPIC, 1, (short) 1))).all().get();
        } catch (ExecutionException exists) {
            assertThat(exists.getCause()).isInstanceOf(TopicExistsException.class);
        }
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, EVENTS_TOPIC);
        AlterConfigOp op = maxMessageBytes == null ? new AlterConfigOp(new ConfigEntry("max.message.bytes", ""), AlterConfigOp.OpType.DELETE)
                : new AlterConfigOp(new ConfigEntry("max.message.bytes", maxMessageBytes), AlterConfigOp.OpType.SET);
        admin.incrementalAlterConfigs(Map.of(topic, List.of(op))).all().get();
    }

    /** The userIds of this run's records in the catalog table segment_events, as often as they are there. */
    private static List<String> recordedUsers(String run) {
        List<String> users = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers(), ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
            TopicPartition partition = new TopicPartition(EVENTS_TOPIC, 0);
            consumer.assign(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    String user = JSON.readTree(record.value()).path("userId").asText();
                    if (user.startsWith(run)) {
                        users.add(user);
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return users;
    }

    private static List<String> writes(FakeWootric fake, String wootricId) {
        synchronized (fake.writes) {
            return List.copyOf(fake.writes).stream().filter(w -> wootricId.equals(w.get("_id"))).map(w -> w.get("properties[step]")).toList();
        }
    }

    private static void post(String body) {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        given().baseUri("http://127.0.0.1").port(port).contentType("application/json").auth().preemptive()
                .basic(SegmentEnabled.WRITE_KEY, "").body(body).post("/v1/identify").then().statusCode(200);
    }

    /** Users Wootric knows, {@code <run>-0...}: each identify of one is a look-up (the first time) and a PUT. Their Wootric ids. */
    private static List<String> knownUsers(FakeWootric fake, String run, int users) {
        List<String> wootricIds = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            Map<String, Object> user = fake.addEndUser(1_700_000_000L, 1_700_000_000L);
            user.put("external_id", run + "-" + u);
            wootricIds.add(String.valueOf(user.get("id")));
        }
        return wootricIds;
    }

    private static String brokers() {
        return ConfigProvider.getConfig().getValue("hub.kafka.brokers", String.class);
    }

    private static Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers());
        return Admin.create(props);
    }

    /** The member ids of the journal's consumer group. */
    static List<String> members() throws Exception {
        try (Admin admin = admin()) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(GROUP)).describedGroups().get(GROUP).get();
            return group.members().stream().map(MemberDescription::consumerId).toList();
        }
    }
}
