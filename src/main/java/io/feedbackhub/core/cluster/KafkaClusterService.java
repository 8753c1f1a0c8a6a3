package io.feedbackhub.core.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.support.cluster.AbstractCamelClusterService;
import org.apache.camel.support.cluster.AbstractCamelClusterView;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jboss.logging.Logger;

import io.feedbackhub.core.kafka.HubTopics;

/**
 * Camel's cluster service over Kafka's group coordinator, the way Kafka Connect elects its leader:
 * every member subscribes one consumer group to the cluster topic, which has one partition per
 * namespace (a polling connector), and the member the coordinator assigns a namespace's partition
 * leads it. Camel ships no Kafka-based cluster service (its others need ZooKeeper, Consul,
 * Kubernetes or Infinispan), and the hub's replicas already share a Kafka.
 *
 * <p>Nothing is ever written to the topic; the consumer only polls to stay in the group. The
 * cooperative sticky assignor moves only the partitions that must move, so a member joining or
 * leaving does not interrupt the other leaders. A member that dies keeps its partitions until its
 * session times out; then the survivors share them.
 */
public class KafkaClusterService extends AbstractCamelClusterService<KafkaClusterService.View> {

    private static final Logger LOG = Logger.getLogger(KafkaClusterService.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final long DESCRIBE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(2);

    /**
     * Where a member's cluster client reaches Kafka, and how the cluster's topic is made;
     * {@code clients}: the settings every client starts from (security, timeouts).
     */
    public record Settings(String brokers, String group, String memberId, String topic, Optional<Short> replicationFactor,
            Duration sessionTimeout, Properties clients) {
    }

    private final Settings settings;
    /** Sorted: namespace i is partition i, the same on every member that knows the same namespaces. */
    private final List<String> namespaces;
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    private final Map<String, View> views = new ConcurrentHashMap<>();
    private volatile Map<Integer, String> leaders = Map.of();
    private volatile List<String> members = List.of();
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean running;
    private Thread poller;
    private Admin admin;

    public KafkaClusterService(Settings settings, Collection<String> namespaces) {
        super("kafka-" + settings.group());
        this.settings = settings;
        this.namespaces = namespaces.stream().sorted().distinct().toList();
        if (this.namespaces.isEmpty()) {
            throw new IllegalArgumentException("a cluster needs at least one namespace");
        }
    }

    public String memberId() {
        return settings.memberId();
    }

    /** Every member's id, as the group coordinator last described the group (this one's included). */
    public List<String> members() {
        return members;
    }

    /** The member that leads {@code namespace}, if one does now. */
    public Optional<String> leaderOf(String namespace) {
        int partition = partition(namespace);
        return owned.contains(partition) ? Optional.of(settings.memberId()) : Optional.ofNullable(leaders.get(partition));
    }

    /** Whether this member leads the namespace, whether or not anything asked for its view. */
    @Override
    public boolean isLeader(String namespace) {
        return owned.contains(partition(namespace));
    }

    public List<String> namespaces() {
        return namespaces;
    }

    @Override
    protected View createView(String namespace) {
        partition(namespace);
        return views.computeIfAbsent(namespace, View::new);
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        Properties admins = HubTopics.adminProperties(settings.clients());
        admins.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.brokers());
        admins.put(AdminClientConfig.CLIENT_ID_CONFIG, settings.memberId() + "-cluster-admin");
        admin = Admin.create(admins);
        // one partition a namespace; it never holds a record: compaction keeps it so should anything write to it
        HubTopics.create(admin, settings.topic(), namespaces.size(), settings.replicationFactor(), Map.of("cleanup.policy", "compact"));
        running = true;
        poller = new Thread(this::poll, "hub-cluster");
        poller.setDaemon(true);
        poller.start();
    }

    @Override
    protected void doStop() throws Exception {
        running = false;
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (poller != null) {
            // closing the consumer leaves the group, so the others take over at once, not after the session timeout
            poller.join(TimeUnit.SECONDS.toMillis(15));
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        super.doStop();
    }

    private int partition(String namespace) {
        int partition = namespaces.indexOf(namespace);
        if (partition < 0) {
            throw new IllegalArgumentException("no cluster namespace " + namespace + " (namespaces: " + namespaces + ")");
        }
        return partition;
    }

    private void poll() {
        Properties props = new Properties();
        props.putAll(settings.clients());
        props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.brokers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.group());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.memberId());
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) settings.sessionTimeout().toMillis());
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.max(1000, settings.sessionTimeout().toMillis() / 4));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        long describedAt = 0;
        try (KafkaConsumer<byte[], byte[]> client = new KafkaConsumer<>(props)) {
            consumer = client;
            client.subscribe(List.of(settings.topic()), new Listener());
            while (running) {
                client.poll(POLL);
                if (System.nanoTime() - describedAt > DESCRIBE_EVERY_NANOS) {
                    describe();
                    describedAt = System.nanoTime();
                }
            }
        } catch (WakeupException stopping) {
            // doStop
        } catch (RuntimeException e) {
            LOG.errorf("cluster: the member %s left the cluster: %s", settings.memberId(), e.getMessage());
        } finally {
            consumer = null;
            changed(new ArrayList<>(owned), false);
        }
    }

    /** Who leads what elsewhere: the group's members and their assignments, as the coordinator has them. */
    private void describe() {
        try {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(settings.group())).all()
                    .get(5, TimeUnit.SECONDS).get(settings.group());
            Map<Integer, String> found = new HashMap<>();
            List<String> ids = new ArrayList<>();
            for (MemberDescription member : group.members()) {
                ids.add(member.clientId());
                member.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(settings.topic()))
                        .forEach(tp -> found.put(tp.partition(), member.clientId()));
            }
            Map<Integer, String> before = leaders;
            leaders = Map.copyOf(found);
            members = ids.stream().sorted().toList();
            for (View view : views.values()) {
                int partition = partition(view.getNamespace());
                if (!owned.contains(partition) && !java.util.Objects.equals(before.get(partition), found.get(partition))) {
                    view.leadershipChanged();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.debugf("cluster: could not describe the group %s: %s", settings.group(), e.getMessage());
        }
    }

    private void changed(Collection<Integer> partitions, boolean gained) {
        for (int partition : partitions) {
            boolean changed = gained ? owned.add(partition) : owned.remove(partition);
            if (changed && partition < namespaces.size()) {
                String namespace = namespaces.get(partition);
                LOG.infof("cluster: %s %s leadership of %s", settings.memberId(), gained ? "took" : "gave up", namespace);
                View view = views.get(namespace);
                if (view != null) {
                    view.leadershipChanged();
                }
            }
        }
    }

    private final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            changed(partitions.stream().map(TopicPartition::partition).toList(), true);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            changed(partitions.stream().map(TopicPartition::partition).toList(), false);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // the session ran out (a long pause, the broker unreachable): another member may lead already
            changed(partitions.stream().map(TopicPartition::partition).toList(), false);
        }
    }

    /** A member as a namespace's view sees it. */
    private record Member(String getId, boolean isLeader, boolean isLocal) implements CamelClusterMember {
    }

    /** One namespace: who leads it and who takes part. */
    final class View extends AbstractCamelClusterView {

        View(String namespace) {
            super(KafkaClusterService.this, namespace);
        }

        @Override
        public Optional<CamelClusterMember> getLeader() {
            return leaderOf(getNamespace()).map(this::member);
        }

        @Override
        public CamelClusterMember getLocalMember() {
            return member(settings.memberId());
        }

        @Override
        public List<CamelClusterMember> getMembers() {
            return members.stream().map(this::member).toList();
        }

        private CamelClusterMember member(String id) {
            return new Member(id, leaderOf(getNamespace()).filter(id::equals).isPresent(), id.equals(settings.memberId()));
        }

        void leadershipChanged() {
            fireLeadershipChangedEvent(getLeader());
        }

        @Override
        protected void doStart() {
            // the service's consumer does the work of every view
        }

        @Override
        protected void doStop() {
            // as doStart
        }
    }
}
