package io.feedbackhub.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.feedbackhub.testing.HubProcess;

/** A bad value stops the packaged hub with a non-zero exit and a line naming the property; no secret is printed. */
class ConfigValidationIT {

    static final String SECRET = "it-secret-0f9a8b7c6d";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "HUB_CATALOG_SINK     | carrier-pigeon | hub.catalog.sink",
            "HUB_DEMO_SCHEDULE    | every monday   | hub.demo.schedule: is not a valid Quartz cron expression",
            "HUB_DEMO_DESCRIPTION | LONG           | hub.demo.description: is 141 characters; at most 140 are allowed",
            "HUB_CATALOG_SINK     | kafka          | hub.kafka.brokers: is required when hub.catalog.sink=kafka",
            "HUB_DEMO_ENABLED     | ''             | hub.demo.enabled: is required",
            "HUB_DEMO_ENABLED     | maybe          | hub.demo.enabled",
            "HUB_DATA_DIR         | /proc/no-such  | hub.data-dir: cannot create",
            "HUB_CATALOG_TOPIC_PREFIX | bad prefix/ | hub.catalog.topic-prefix: may hold only",
            "HUB_DEMO_INPUT_DIR   | ''             | hub.demo.input-dir: is required by file:src/test/resources/routes/demo.camel.yaml",
            "HUB_WOOTRIC_ENABLED  | true           | hub.wootric.start-date: is required when hub.wootric.enabled=true",
            "HUB_WINNINGTEMP_ENABLED | true        | hub.winningtemp.sftp.known-hosts-file: is required when hub.winningtemp.enabled=true",
            "FILE                 | hub.datadir=/tmp/x | hub.datadir: is not a setting of the hub",
            "HUB_MANAGEMENT_TOKEN | short-token    | hub.management.token: is 11 characters; at least 16 are required",
            "QUARKUS_MANAGEMENT_HOST | 0.0.0.0     | hub.management.token: is required when the management port listens beyond this machine",
            "HUB_CLUSTER_ENABLED  | true           | hub.cluster.enabled: needs hub.catalog.sink=kafka",
            "HUB_CLUSTER_SESSION_TIMEOUT | 1s      | hub.cluster.session-timeout: must be between 6s and 30m",
            "HUB_LOG_FORMAT       | yaml           | hub.log.format: must be text or json, not 'yaml'",
    })
    void aBadValueStopsTheHubNamingTheProperty(String variable, String value, String expectedLine) throws Exception {
        Map<String, String> env = new HashMap<>();
        if (variable.equals("FILE")) {
            // keys as an operator's properties file spells them
            Path file = dir.resolve("extra.properties");
            Files.writeString(file, value + "\n");
            env.put("SMALLRYE_CONFIG_LOCATIONS", file.toString());
        } else {
            env.put(variable, value.equals("LONG") ? "x".repeat(141) : value);
        }
        env.put("HUB_DEMO_API_TOKEN", SECRET);
        Path data = Files.createDirectories(dir.resolve("data"));
        try (HubProcess hub = HubProcess.create(data, env).start()) {
            int exit = hub.awaitExit(Duration.ofSeconds(60));
            String output = hub.output();
            assertThat(exit).as(output).isNotZero();
            assertThat(output.lines()).as(output).anySatisfy(line -> assertThat(line).contains(expectedLine));
            assertThat(output).doesNotContain(SECRET);
        }
    }

    @Test
    void aDisabledConnectorNeedsNoneOfItsKeys() throws Exception {
        Map<String, String> env = Map.of("HUB_DEMO_ENABLED", "false", "HUB_DEMO_INPUT_DIR", "", "HUB_DEMO_SCHEDULE", "");
        try (HubProcess hub = HubProcess.create(Files.createDirectories(dir.resolve("data")), env).start()
                .awaitReady(Duration.ofSeconds(60))) {
            assertThat(hub.get("/hub/connectors/demo").body()).contains("\"enabled\":false");
            assertThat(hub.post("/hub/connectors/demo/run?mode=full").statusCode()).isEqualTo(409);
        }
    }

    /** 127.0.0.2 is this machine, but not the interface a port bound to 127.0.0.1 listens on. */
    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "NONE                 | ''                           | false",
            "HUB_MANAGEMENT_TOKEN | itManagementToken-0123456789 | true",
            "HUB_MANAGEMENT_OPEN  | true                         | true",
    })
    void theManagementPortListensBeyondLoopbackOnlyWithATokenOrWhenOpen(String variable, String value, boolean reachable)
            throws Exception {
        Map<String, String> env = variable.equals("NONE") ? Map.of() : Map.of(variable, value);
        try (HubProcess hub = HubProcess.create(Files.createDirectories(dir.resolve("data")), env).start()
                .awaitReady(Duration.ofSeconds(60))) {
            boolean connected;
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.2", hub.managementPort()), 1000);
                connected = true;
            } catch (IOException refused) {
                connected = false;
            }
            assertThat(connected).isEqualTo(reachable);
            assertThat(hub.get("/hub/connectors").statusCode()).isEqualTo(200);
        }
    }
}
