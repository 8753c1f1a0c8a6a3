package io.feedbackhub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.feedbackhub.core.config.SecretMasker;

/**
 * The Kubernetes manifests in deploy/ against what the hub and its image really are: the ports and
 * health paths of application.properties, the Dockerfile's user and data volume, the secret
 * properties README.md documents. There is no Kubernetes cluster here, so nothing is applied;
 * where kubectl is installed, {@link #bothVariantsRenderWithKustomize} renders them as
 * {@code kubectl apply -k} would.
 */
class DeployManifestsTest {

    private static final Path BASE = Path.of("deploy/base");
    private static final Path CLUSTER = Path.of("deploy/cluster");
    private static final YAMLMapper YAML = new YAMLMapper();

    static Properties properties;
    static Map<String, String> dockerEnv;
    static Set<String> readmeProperties;
    static List<JsonNode> base;

    @BeforeAll
    static void load() throws IOException {
        properties = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("application.properties"), StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        dockerEnv = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("Dockerfile"))) {
            Matcher env = Pattern.compile("^ENV\\s+(\\w+)=(\\S+)").matcher(line.trim());
            if (env.find()) {
                dockerEnv.put(env.group(1), env.group(2));
            }
        }
        readmeProperties = new HashSet<>();
        Matcher property = Pattern.compile("`(hub\\.[a-z0-9.-]+)`").matcher(Files.readString(Path.of("README.md")));
        while (property.find()) {
            readmeProperties.add(property.group(1));
        }
        base = new ArrayList<>();
        for (JsonNode resource : documents(BASE.resolve("kustomization.yaml")).get(0).get("resources")) {
            base.addAll(documents(BASE.resolve(resource.asText())));
        }
    }

    static List<JsonNode> documents(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    static List<JsonNode> parse(String yaml) throws IOException {
        try (var values = YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
            return values.readAll().stream().filter(node -> node != null && !node.isNull() && !node.isEmpty()).toList();
        }
    }

    static JsonNode one(List<JsonNode> resources, String kind, String name) {
        List<JsonNode> found = resources.stream()
                .filter(node -> node.path("kind").asText().equals(kind) && node.at("/metadata/name").asText().equals(name)).toList();
        assertThat(found).as("%s %s", kind, name).hasSize(1);
        return found.get(0);
    }

    static List<JsonNode> all(List<JsonNode> resources, String kind) {
        return resources.stream().filter(node -> node.path("kind").asText().equals(kind)).toList();
    }

    static JsonNode deployment(List<JsonNode> resources) {
        return one(resources, "Deployment", "feedback-hub");
    }

    static JsonNode container(List<JsonNode> resources) {
        JsonNode containers = deployment(resources).at("/spec/template/spec/containers");
        assertThat(containers.size()).isEqualTo(1);
        return containers.get(0);
    }

    static List<JsonNode> list(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).toList();
    }

    /** The variables the container gets: its env entries and the ConfigMap's keys (envFrom). */
    static Map<String, JsonNode> environment(List<JsonNode> resources) {
        Map<String, JsonNode> env = new HashMap<>();
        JsonNode container = container(resources);
        for (JsonNode from : container.path("envFrom")) {
            assertThat(from.has("configMapRef")).as("envFrom only from a ConfigMap: %s", from).isTrue();
            one(resources, "ConfigMap", from.at("/configMapRef/name").asText()).path("data").fields()
                    .forEachRemaining(entry -> env.put(entry.getKey(), entry.getValue()));
        }
        for (JsonNode entry : container.path("env")) {
            env.put(entry.path("name").asText(), entry);
        }
        return env;
    }

    static String property(String key, String quarkusDefault) {
        return properties.getProperty(key, quarkusDefault);
    }

    /** A property in the form an environment variable names it: hub.data-dir -> HUB_DATA_DIR. */
    static String envName(String property) {
        return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    static int port(JsonNode container, JsonNode port) {
        if (port.isInt()) {
            return port.asInt();
        }
        return list(container.path("ports")).stream().filter(p -> p.path("name").asText().equals(port.asText()))
                .mapToInt(p -> p.path("containerPort").asInt()).findFirst().orElseThrow(() -> new AssertionError("no port " + port));
    }

    /** The uid and gid of the image's last USER instruction. */
    static String[] dockerUser() throws IOException {
        List<String> users = Files.readAllLines(Path.of("Dockerfile")).stream().map(String::trim)
                .filter(line -> line.startsWith("USER ")).toList();
        assertThat(users).isNotEmpty();
        return users.get(users.size() - 1).substring(5).trim().split(":");
    }

    @Test
    void probesAskTheManagementPortAtTheHealthPathsTheHubServes() {
        checkProbes(base);
    }

    /**
     * Paths as Quarkus composes them from application.properties (the defaults in the second
     * argument are Quarkus's, for keys the file leaves unset); the management port needs no token for
     * /q/health (ManagementAccess), so the kubelet can ask without one.
     */
    static void checkProbes(List<JsonNode> resources) {
        String root = property("quarkus.management.root-path", "/q") + "/" + property("quarkus.smallrye-health.root-path", "health");
        Map<String, String> paths = Map.of(
                "startupProbe", root + "/" + property("quarkus.smallrye-health.startup-path", "started"),
                "livenessProbe", root + "/" + property("quarkus.smallrye-health.liveness-path", "live"),
                "readinessProbe", root + "/" + property("quarkus.smallrye-health.readiness-path", "ready"));
        int management = Integer.parseInt(property("quarkus.management.port", "9000"));
        JsonNode container = container(resources);
        paths.forEach((probe, path) -> {
            JsonNode get = container.at("/" + probe + "/httpGet");
            assertThat(get.isMissingNode()).as(probe).isFalse();
            assertThat(get.path("path").asText()).as(probe).isEqualTo(path);
            assertThat(port(container, get.path("port"))).as(probe).isEqualTo(management);
            assertThat(get.has("httpHeaders")).as("%s sends no credential", probe).isFalse();
        });
        Map<String, JsonNode> env = environment(resources);
        assertThat(env).doesNotContainKeys("QUARKUS_MANAGEMENT_PORT", "QUARKUS_HTTP_PORT", "QUARKUS_MANAGEMENT_ROOT_PATH");
        // the image's QUARKUS_MANAGEMENT_HOST=0.0.0.0 makes the management port reachable by the kubelet
        assertThat(env).doesNotContainKey("QUARKUS_MANAGEMENT_HOST");
        assertThat(dockerEnv).containsEntry("QUARKUS_MANAGEMENT_HOST", "0.0.0.0");
    }

    @Test
    void thePublicPortHasAServiceAndTheManagementPortOneOfItsOwnInsideTheCluster() {
        JsonNode container = container(base);
        int http = Integer.parseInt(property("quarkus.http.port", "8080"));
        int management = Integer.parseInt(property("quarkus.management.port", "9000"));
        Map<String, Set<Integer>> targets = new HashMap<>();
        for (JsonNode service : all(base, "Service")) {
            assertThat(service.at("/spec/selector")).isEqualTo(deployment(base).at("/spec/selector/matchLabels"));
            targets.put(service.at("/metadata/name").asText(), list(service.at("/spec/ports")).stream()
                    .map(p -> port(container, p.path("targetPort"))).collect(Collectors.toSet()));
        }
        assertThat(targets).containsEntry("feedback-hub", Set.of(http)).containsEntry("feedback-hub-management", Set.of(management));
        JsonNode managementService = one(base, "Service", "feedback-hub-management");
        assertThat(managementService.at("/spec/type").asText("ClusterIP")).isEqualTo("ClusterIP");
        assertThat(all(base, "Ingress")).isEmpty();
    }

    @Test
    void theDataVolumeIsMountedAtTheImagesDataDirectory() throws IOException {
        String dataDir = dockerEnv.get("HUB_DATA_DIR");
        assertThat(dataDir).isNotNull();
        assertThat(Files.readAllLines(Path.of("Dockerfile"))).contains("VOLUME " + dataDir);
        JsonNode spec = deployment(base).at("/spec/template/spec");
        List<JsonNode> mounts = list(container(base).path("volumeMounts")).stream()
                .filter(mount -> mount.path("mountPath").asText().equals(dataDir)).toList();
        assertThat(mounts).hasSize(1);
        String volume = mounts.get(0).path("name").asText();
        JsonNode claim = list(spec.path("volumes")).stream().filter(v -> v.path("name").asText().equals(volume))
                .findFirst().orElseThrow().path("persistentVolumeClaim");
        one(base, "PersistentVolumeClaim", claim.path("claimName").asText());
        JsonNode overridden = environment(base).get("HUB_DATA_DIR");
        assertThat(overridden == null || overridden.asText().equals(dataDir)).as("HUB_DATA_DIR %s", overridden).isTrue();
        // one hub writes the ReadWriteOnce volume: never two pods at once
        assertThat(deployment(base).at("/spec/replicas").asInt()).isEqualTo(1);
        assertThat(deployment(base).at("/spec/strategy/type").asText()).isEqualTo("Recreate");
    }

    @Test
    void runsAsTheImagesUnprivilegedUser() throws IOException {
        String[] user = dockerUser();
        JsonNode pod = deployment(base).at("/spec/template/spec/securityContext");
        assertThat(pod.path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.path("runAsUser").asText()).isEqualTo(user[0]).isNotEqualTo("0");
        // a fresh volume is root-owned; the image's group must be able to write it
        assertThat(pod.path("fsGroup").asText()).isEqualTo(user[1]);
        JsonNode container = container(base).path("securityContext");
        assertThat(container.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        assertThat(container.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        // the only writable paths are volumes
        assertThat(list(container(base).path("volumeMounts"))).extracting(mount -> mount.path("mountPath").asText())
                .contains(dockerEnv.get("HUB_DATA_DIR"), "/tmp");
    }

    @Test
    void secretsComeFromTheSecretAndOnlySecretsDo() {
        checkSecrets(base);
    }

    static void checkSecrets(List<JsonNode> resources) {
        JsonNode secret = one(resources, "Secret", "feedback-hub-secrets");
        Set<String> secretKeys = new HashSet<>();
        secret.path("stringData").fieldNames().forEachRemaining(secretKeys::add);
        secret.path("data").fieldNames().forEachRemaining(secretKeys::add);
        Set<String> documentedSecrets = readmeProperties.stream().filter(SecretMasker::isSecret).map(DeployManifestsTest::envName)
                .collect(Collectors.toSet());
        assertThat(documentedSecrets).contains("HUB_MANAGEMENT_TOKEN", "HUB_WOOTRIC_PASSWORD", "HUB_SEGMENT_WRITE_KEYS");

        Set<String> fromSecret = new HashSet<>();
        environment(resources).forEach((name, value) -> {
            JsonNode ref = value.at("/valueFrom/secretKeyRef");
            if (!ref.isMissingNode()) {
                assertThat(name).as("a Secret's variable is a secret property README documents").isIn(documentedSecrets);
                assertThat(ref.path("name").asText()).isEqualTo("feedback-hub-secrets");
                assertThat(ref.path("key").asText()).isIn(secretKeys);
                fromSecret.add(name);
            } else {
                assertThat(SecretMasker.isSecret(name)).as("%s is a secret: it must come from the Secret", name).isFalse();
            }
        });
        // every secret README documents can be given, and the Secret holds nothing the pod does not read
        assertThat(fromSecret).containsExactlyInAnyOrderElementsOf(documentedSecrets);
        assertThat(secretKeys).containsExactlyInAnyOrderElementsOf(documentedSecrets);
        // without it the image's hub refuses to start; the rest belong to connectors that may be off
        assertThat(environment(resources).get("HUB_MANAGEMENT_TOKEN").at("/valueFrom/secretKeyRef/optional").asBoolean(false)).isFalse();
        // a template: no value is shipped
        secret.path("stringData").forEach(value -> assertThat(value.asText()).isEmpty());
    }

    /** The hub stops at start on a HUB_* variable that belongs to no part of it (HubConfigCheck). */
    @Test
    void everyHubVariableIsAPropertyReadmeDocuments() throws IOException {
        Set<String> documented = readmeProperties.stream().map(DeployManifestsTest::envName).collect(Collectors.toSet());
        Set<String> names = new HashSet<>(environment(base).keySet());
        documents(CLUSTER.resolve("configmap-patch.yaml")).get(0).path("data").fieldNames().forEachRemaining(names::add);
        container(documents(CLUSTER.resolve("deployment-patch.yaml"))).path("env").forEach(env -> names.add(env.path("name").asText()));
        assertThat(names).filteredOn(name -> name.startsWith("HUB_")).isNotEmpty().allMatch(documented::contains);
    }

    @Test
    void resourcesAreSetAndTheStopHasTime() {
        JsonNode resources = container(base).path("resources");
        assertThat(resources.at("/requests/cpu").asText()).isNotEmpty();
        assertThat(resources.at("/requests/memory").asText()).isNotEmpty();
        // the JVM sizes its heap from the memory limit (-XX:MaxRAMPercentage)
        assertThat(resources.at("/limits/memory").asText()).isNotEmpty();
        int grace = deployment(base).at("/spec/template/spec/terminationGracePeriodSeconds").asInt(30);
        int preStop = container(base).at("/lifecycle/preStop/exec/command/1").asInt(0);
        assertThat(grace).isGreaterThan(preStop + Integer.parseInt(property("camel.main.shutdown-timeout", "45")));
    }

    @Test
    void theImageIsTheOneTheDockerfileBuilds() throws IOException {
        String image = container(base).path("image").asText();
        assertThat(Files.readString(Path.of("Dockerfile"))).contains("docker build -t " + image + " .");
        JsonNode images = documents(BASE.resolve("kustomization.yaml")).get(0).path("images");
        assertThat(list(images)).extracting(i -> i.path("name").asText()).containsExactly(image);
    }

    @Test
    void theClusterVariantRunsThreeMembersOnKafkaNamedByTheirPods() throws IOException {
        Map<String, String> config = new HashMap<>();
        documents(CLUSTER.resolve("configmap-patch.yaml")).get(0).path("data").fields()
                .forEachRemaining(entry -> config.put(entry.getKey(), entry.getValue().asText()));
        assertThat(config).containsEntry("HUB_CLUSTER_ENABLED", "true").containsEntry("HUB_CATALOG_SINK", "kafka")
                .containsKey("HUB_KAFKA_BROKERS");
        JsonNode patch = documents(CLUSTER.resolve("deployment-patch.yaml")).get(0);
        assertThat(patch.at("/spec/replicas").asInt()).isEqualTo(3);
        assertThat(list(container(List.of(patch)).path("env"))).anySatisfy(env -> {
            assertThat(env.path("name").asText()).isEqualTo("HUB_CLUSTER_MEMBER_ID");
            assertThat(env.at("/valueFrom/fieldRef/fieldPath").asText()).isEqualTo("metadata.name");
        });
    }

    @Test
    void bothVariantsRenderWithKustomize() throws Exception {
        List<JsonNode> single = render(Path.of("deploy"));
        assertThat(single).hasSameSizeAs(base);
        checkProbes(single);
        checkSecrets(single);

        List<JsonNode> cluster = render(CLUSTER);
        checkProbes(cluster);
        checkSecrets(cluster);
        JsonNode deployment = deployment(cluster);
        assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(3);
        assertThat(deployment.at("/spec/strategy/type").asText()).isEqualTo("RollingUpdate");
        assertThat(environment(cluster).get("HUB_CLUSTER_MEMBER_ID").at("/valueFrom/fieldRef/fieldPath").asText()).isEqualTo("metadata.name");
        assertThat(environment(cluster).get("HUB_CLUSTER_ENABLED").asText()).isEqualTo("true");
        // each member its own short-lived data directory; no ReadWriteOnce claim three pods would share
        assertThat(all(cluster, "PersistentVolumeClaim")).isEmpty();
        assertThat(list(deployment.at("/spec/template/spec/volumes"))).filteredOn(v -> v.path("name").asText().equals("data"))
                .singleElement().satisfies(v -> assertThat(v.has("emptyDir")).isTrue());
        assertThat(list(container(cluster).path("volumeMounts"))).anyMatch(mount -> mount.path("name").asText().equals("data")
                && mount.path("mountPath").asText().equals(dockerEnv.get("HUB_DATA_DIR")));
        one(cluster, "PodDisruptionBudget", "feedback-hub");
    }

    /** {@code kubectl kustomize dir}: what {@code kubectl apply -k dir} would send; skipped without kubectl. */
    static List<JsonNode> render(Path dir) throws Exception {
        Process process;
        try {
            process = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(false).start();
        } catch (IOException noKubectl) {
            assumeTrue(false, "kubectl is not installed: " + noKubectl.getMessage());
            throw noKubectl;
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(err).isZero();
        return parse(out);
    }
}
