package io.feedbackhub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.feedbackhub.testing.HubProcess;

/**
 * The packaged hub with the environment deploy/ gives the container (the image's ENV, the
 * ConfigMap, the Secret), asked what the kubelet asks: each probe's path without a credential.
 * No Kubernetes here: the hub runs as a process, on free ports (DeployManifestsTest checks the
 * manifests' ports against application.properties).
 */
class DeployProbesIT {

    static final String TOKEN = "deployProbesToken-0123456789";

    @TempDir
    Path data;

    @BeforeAll
    static void load() throws IOException {
        DeployManifestsTest.load();
    }

    /** What the container's environment holds, the Secret's values given by the operator. */
    static Map<String, String> podEnvironment(Map<String, String> secretValues) {
        Map<String, String> env = new HashMap<>(DeployManifestsTest.dockerEnv);
        // the test's own data dir and ports (HubProcess)
        env.remove("HUB_DATA_DIR");
        DeployManifestsTest.environment(DeployManifestsTest.base).forEach((name, value) -> {
            JsonNode ref = value.at("/valueFrom/secretKeyRef");
            if (ref.isMissingNode()) {
                env.put(name, value.asText());
            } else {
                JsonNode template = DeployManifestsTest.one(DeployManifestsTest.base, "Secret", ref.path("name").asText())
                        .path("stringData").path(ref.path("key").asText());
                env.put(name, secretValues.getOrDefault(ref.path("key").asText(), template.asText()));
            }
        });
        return env;
    }

    @Test
    void everyProbeAnswersWithoutATokenAndTheRestNeedsIt() {
        JsonNode container = DeployManifestsTest.container(DeployManifestsTest.base);
        List<String> paths = List.of("startupProbe", "livenessProbe", "readinessProbe").stream()
                .map(probe -> container.at("/" + probe + "/httpGet/path").asText()).toList();
        try (HubProcess hub = HubProcess.create(data, podEnvironment(Map.of("HUB_MANAGEMENT_TOKEN", TOKEN))).start()
                .awaitReady(Duration.ofSeconds(120))) {
            for (String path : paths) {
                assertThat(hub.send(HttpRequest.newBuilder().GET(), path).statusCode()).as(path).isEqualTo(200);
            }
            // the Secret's token is in force on the rest of the management port
            assertThat(hub.send(HttpRequest.newBuilder().GET(), "/hub/connectors").statusCode()).isEqualTo(401);
            assertThat(hub.get("/hub/connectors").statusCode()).isEqualTo(200);
        }
    }

    /** The Secret as shipped (empty values) must not start a hub whose management port anyone can use. */
    @Test
    void theTemplateAsShippedDoesNotStart() {
        try (HubProcess hub = HubProcess.create(data, podEnvironment(Map.of())).start()) {
            assertThat(hub.awaitExit(Duration.ofSeconds(120))).isEqualTo(1);
            assertThat(hub.output()).contains("hub.management.token: is required");
        }
    }
}
