package io.feedbackhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.feedbackhub.testing.HubProcess;
import io.feedbackhub.testing.KafkaBroker;
import io.feedbackhub.testing.KafkaTopics;
import io.feedbackhub.testing.fake.FakeWootric;

/** Three packaged hubs on one real Kafka broker as one cluster: one leader per poller, failover after kill -9 from the shared bookmark. */
class ClusterIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READY = Duration.ofSeconds(90);
    private static final KafkaBroker BROKER = new KafkaBroker();
    private static final Pattern WINDOW = Pattern.compile("updated(?:\\[|%5B)gte(?:]|%5D)=(\\d+)");

    @TempDir
    Path data;

    FakeWootric fake;
    final List<HubProcess> hubs = new ArrayList<>();

    @BeforeAll
    static void startBroker() {
        BROKER.start();
    }

    @AfterAll
    static void stopBroker() {
        BROKER.stop();
    }

    @BeforeEach
    void startFake() throws Exception {
        fake = new FakeWootric();
        for (int i = 0; i < 50; i++) {
            fake.addEndUser(WootricIT.JUNE + i * 600L, WootricIT.JUNE + i * 600L);
        }
    }

    @AfterEach
    void stop() {
        hubs.forEach(HubProcess::close);
        fake.close();
    }

    String cluster;

    private List<HubProcess> startCluster(int members) {
        cluster = "it-" + UUID.randomUUID().toString().substring(0, 8);
        for (int i = 0; i < members; i++) {
            Map<String, String> env = fake.hubEnvironment();
            env.put("HUB_CATALOG_SINK", "kafka");
            env.put("HUB_KAFKA_BROKERS", BROKER.bootstrap());
            env.put("HUB_CATALOG_TOPIC_PREFIX", cluster + ".");
            env.put("HUB_CLUSTER_ENABLED", "true");
            env.put("HUB_CLUSTER_NAME", cluster);
            env.put("HUB_CLUSTER_MEMBER_ID", "hub-" + i);
            env.put("HUB_CLUSTER_SESSION_TIMEOUT", "6s");
            // a run every two seconds, on every member's clock: only the leader's may go out
            env.put("HUB_WOOTRIC_SCHEDULE", "0/2 * * * * ?");
            hubs.add(HubProcess.create(data.resolve("hub-" + i), env).start());
        }
        hubs.forEach(hub -> hub.awaitReady(READY));
        return hubs;
    }

    private static JsonNode json(HubProcess hub, String path) throws Exception {
        return JSON.readTree(hub.get(path).body());
    }

    /** The wootric leader every member names, once they all name the same live one. */
    private static String agreedLeader(List<HubProcess> members) throws Exception {
        String leader = null;
        for (HubProcess hub : members) {
            JsonNode cluster = json(hub, "/hub/cluster");
            String named = cluster.path("connectors").path("wootric").path("leader").asText();
            if (named.isEmpty() || (leader != null && !leader.equals(named)) || cluster.path("members").size() != members.size()) {
                return null;
            }
            leader = named;
        }
        return leader;
    }

    /** Where an end-user listing's window starts (its {@code updated[gte]}), or -1 for any other request. */
    private static long windowStart(String requestLine) {
        Matcher window = WINDOW.matcher(requestLine);
        return requestLine.contains("/end_users?") && window.find() ? Long.parseLong(window.group(1)) : -1;
    }

    /** The id of the member's last wootric run, or "" before its first. */
    private static String lastRun(HubProcess hub) throws Exception {
        return json(hub, "/hub/connectors/wootric").path("lastRun").path("id").asText();
    }

    @Test
    void onlyTheLeaderRunsAndAnotherMemberTakesOverWithin30sOfAKillMinus9() throws Exception {
        List<HubProcess> members = startCluster(3);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> agreedLeader(members) != null);
        String leaderId = agreedLeader(members);
        // once all three are in, leadership stays put
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> leaderId.equals(agreedLeader(members)));
        HubProcess leader = members.get(Integer.parseInt(leaderId.substring("hub-".length())));
        assertThat(json(leader, "/hub/cluster").path("self").asText()).isEqualTo(leaderId);
        assertThat(json(leader, "/hub/connectors/wootric").path("leader").asText()).isEqualTo(leaderId);

        // the leader's schedule runs; the others' stays still (a member that led before the others
        // joined may have run then), and a manual run there is refused naming the leader
        Map<HubProcess, String> before = new HashMap<>();
        for (HubProcess hub : members) {
            before.put(hub, lastRun(hub));
        }
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> !lastRun(leader).equals(before.get(leader)));
        for (HubProcess other : members) {
            if (other != leader) {
                assertThat(lastRun(other)).as("the runs of a member that does not lead").isEqualTo(before.get(other));
                var refused = other.post("/hub/connectors/wootric/run?mode=full");
                assertThat(refused.statusCode()).isEqualTo(409);
                assertThat(refused.body()).contains(leaderId);
            }
        }

        // users that only the leader has read: its bookmark is past them, any other member's is not
        long later = WootricIT.JUNE + 100_000;
        for (int i = 0; i < 10; i++) {
            fake.addEndUser(later + i * 60L, later + i * 60L);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> List.copyOf(fake.requestLines).stream()
                .anyMatch(line -> windowStart(line) > later + 9 * 60L));

        int requestsBefore = fake.apiRequests.get();
        int linesBefore = fake.requestLines.size();
        long killed = System.nanoTime();
        leader.kill();
        List<HubProcess> survivors = members.stream().filter(hub -> hub != leader).toList();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            String next = agreedLeader(survivors);
            return next != null && !next.equals(leaderId);
        });
        String nextId = agreedLeader(survivors);
        HubProcess next = members.get(Integer.parseInt(nextId.substring("hub-".length())));
        String nextBefore = lastRun(next);
        Map<HubProcess, String> survivorsBefore = new HashMap<>();
        for (HubProcess hub : survivors) {
            survivorsBefore.put(hub, lastRun(hub));
        }
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> !lastRun(next).equals(nextBefore));
        double seconds = (System.nanoTime() - killed) / 1e9;
        System.out.printf("cluster: %s killed, %s ran wootric %.1f s later%n", leaderId, nextId, seconds);
        assertThat(seconds).as("failover, kill -9 to the new leader's first run").isLessThan(30);
        assertThat(fake.apiRequests.get()).as("the new leader called Wootric").isGreaterThan(requestsBefore);
        // it read on from the bookmark the killed leader committed, not from its own
        List<String> after = List.copyOf(fake.requestLines).subList(linesBefore, fake.requestLines.size());
        assertThat(after.stream().filter(line -> windowStart(line) >= 0).findFirst()).as("the new leader's first end-user window")
                .hasValueSatisfying(line -> assertThat(windowStart(line)).isGreaterThan(later + 9 * 60L - 1));
        for (HubProcess other : survivors) {
            if (other != next) {
                assertThat(lastRun(other)).as("the runs of the member that still does not lead").isEqualTo(survivorsBefore.get(other));
            }
        }
    }

    /** Each key's records on a topic as a read_committed consumer sees them. */
    private static Map<String, Integer> committed(String topic) {
        Map<String, Integer> keys = new HashMap<>();
        KafkaTopics.committedRecords(BROKER.bootstrap(), topic).forEach(record -> keys.merge(record.getKey(), 1, Integer::sum));
        return keys;
    }

    @Test
    void aLeaderKilledMidRunLeavesEveryRecordOnceForReadCommittedConsumers() throws Exception {
        int users = 2_000;
        for (int i = 50; i < users; i++) {
            fake.addEndUser(WootricIT.JUNE + i * 600L, WootricIT.JUNE + i * 600L);
        }
        // pages slow enough that a run takes seconds: the kill lands in the middle of one
        fake.delayMillis = 150;
        List<HubProcess> members = startCluster(3);
        String topic = cluster + ".wootric_end_users";
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> agreedLeader(members) != null);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            int seen = committed(topic).size();
            return seen >= 300 && seen < users - 300;
        });
        String leaderId = agreedLeader(members);
        HubProcess leader = members.get(Integer.parseInt(leaderId.substring("hub-".length())));
        assertThat(json(leader, "/hub/connectors/wootric").path("running").asBoolean()).as("the leader is in a run").isTrue();
        leader.kill();

        await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() -> committed(topic).size() == users);
        Map<String, Integer> keys = committed(topic);
        Map<String, Integer> twice = new HashMap<>();
        keys.forEach((key, count) -> {
            if (count > 1) {
                twice.put(key, count);
            }
        });
        System.out.printf("cluster: %s killed mid-run; %d end users on the topic, %d read more than once%n", leaderId, keys.size(),
                twice.size());
        assertThat(twice).as("records a read_committed consumer sees twice").isEmpty();
    }
}
