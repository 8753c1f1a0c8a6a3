package io.feedbackhub.testing;

import java.util.Map;

/** {@link TestHub} plus the "broken" test connector, whose input directory does not exist at start. */
public class TestHubWithBrokenConnector extends TestHub {

    @Override
    public Map<String, String> start() {
        Map<String, String> config = super.start();
        config.put("camel.main.routes-include-pattern",
                config.get("camel.main.routes-include-pattern") + ",file:src/test/resources/routes-broken/*.yaml");
        config.put("hub.broken.enabled", "true");
        config.put("hub.broken.dir", dataDir.resolve("broken-in").toString());
        return config;
    }
}
