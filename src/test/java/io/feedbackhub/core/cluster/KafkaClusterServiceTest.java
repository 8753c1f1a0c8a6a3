package io.feedbackhub.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.cluster.CamelClusterEventListener;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.feedbackhub.testing.KafkaBroker;

/** Leaders elected by Kafka's group coordinator, on a real broker: one per namespace, handed on when a member leaves. */
class KafkaClusterServiceTest {

    private static final List<String> NAMESPACES = List.of("winningtemp", "wootric", "qualtrics");
    private static final KafkaBroker BROKER = new KafkaBroker();

    @BeforeAll
    static void startBroker() {
        BROKER.start();
    }

    @AfterAll
    static void stopBroker() {
        BROKER.stop();
    }

    private static DefaultCamelContext member(String cluster, String id) throws Exception {
        DefaultCamelContext camel = new DefaultCamelContext();
        camel.addService(new KafkaClusterService(new KafkaClusterService.Settings(BROKER.bootstrap(), cluster, id,
                "test." + cluster + ".cluster", Optional.empty(), Duration.ofSeconds(6), new Properties()), NAMESPACES), true, false);
        camel.start();
        return camel;
    }

    private static KafkaClusterService service(DefaultCamelContext camel) {
        return camel.hasService(KafkaClusterService.class);
    }

    @Test
    void eachNamespaceHasOneLeaderThatEveryMemberNamesAndALeavingMemberHandsItsOn() throws Exception {
        String cluster = "c-" + UUID.randomUUID().toString().substring(0, 8);
        try (DefaultCamelContext a = member(cluster, "member-a")) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(NAMESPACES)
                    .allSatisfy(ns -> assertThat(service(a).leaderOf(ns)).contains("member-a")));
            AtomicInteger changesSeenByA = new AtomicInteger();
            for (String ns : NAMESPACES) {
                service(a).getView(ns).addEventListener((CamelClusterEventListener.Leadership) (view, leader) -> changesSeenByA.incrementAndGet());
            }
            try (DefaultCamelContext b = member(cluster, "member-b")) {
                // the second member takes some namespaces over; both name the same leader for each, and only it leads
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    for (String ns : NAMESPACES) {
                        Optional<String> leader = service(a).leaderOf(ns);
                        assertThat(leader).as(ns).isPresent().isEqualTo(service(b).leaderOf(ns));
                        assertThat(service(a).isLeader(ns) ^ service(b).isLeader(ns)).as(ns + ": one leader").isTrue();
                    }
                    assertThat(NAMESPACES).anyMatch(ns -> service(b).isLeader(ns)).anyMatch(ns -> service(a).isLeader(ns));
                    assertThat(service(a).members()).containsExactly("member-a", "member-b");
                });
                assertThat(changesSeenByA).hasPositiveValue();
            }
            // b left the group: a leads everything again, without waiting for b's session to time out
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(NAMESPACES)
                    .allSatisfy(ns -> assertThat(service(a).isLeader(ns)).as(ns).isTrue()));
        }
    }
}
