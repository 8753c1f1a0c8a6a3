package io.feedbackhub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The hub under test: its own data directory, free ports, and the test connectors of
 * {@code src/test/resources/routes} besides the real ones in {@code routes/}.
 */
public class TestHub implements QuarkusTestResourceLifecycleManager {

    public static final String DEMO_TOKEN = "demoS3cretTokenValue";

    protected Path dataDir;

    @Override
    public Map<String, String> start() {
        try {
            dataDir = Files.createTempDirectory("hub-test-");
            Files.createDirectories(dataDir.resolve("demo-input"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> config = new HashMap<>();
        config.put("hub.data-dir", dataDir.toString());
        config.put("camel.main.routes-include-pattern", "file:routes/*.yaml,file:src/test/resources/routes/*.yaml");
        config.put("quarkus.http.test-port", "0");
        config.put("quarkus.management.test-port", "0");
        config.put("camel.routecontroller.initial-delay", "0");
        config.put("hub.demo.enabled", "true");
        config.put("hub.demo.description", "Test connector reading pages from files");
        config.put("hub.demo.input-dir", dataDir.resolve("demo-input").toString());
        config.put("hub.demo.schedule", "0 0 4 1 1 ? 2099");
        config.put("hub.demo.api-token", DEMO_TOKEN);
        config.put("hub.demo.page-delay", "150");
        config.put("camel.routecontroller.backoff-delay", "300");
        config.put("hub.idle.enabled", "false");
        config.put("hub.idle.schedule", "0 0/5 * * * ?");
        return config;
    }

    @Override
    public void stop() {
        TestFiles.deleteTree(dataDir);
    }
}
