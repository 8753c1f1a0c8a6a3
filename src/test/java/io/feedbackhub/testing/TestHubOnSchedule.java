package io.feedbackhub.testing;

import java.util.Map;

/** {@link TestHub} with the demo connector on a two-second incremental and a three-second full schedule. */
public class TestHubOnSchedule extends TestHub {

    @Override
    public Map<String, String> start() {
        Map<String, String> config = super.start();
        config.put("hub.demo.schedule", "0/2 * * * * ?");
        config.put("hub.demo.full-sync-schedule", "1/3 * * * * ?");
        config.put("hub.demo.page-delay", "0");
        return config;
    }
}
