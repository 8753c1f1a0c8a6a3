package io.feedbackhub.testing;

import java.util.HashMap;
import java.util.Map;

import io.feedbackhub.testing.fake.FakeQualtrics;

/** The fake Qualtrics reached with OAuth client credentials instead of an API token, and no webhook subscriptions. */
public class FakeQualtricsOAuth extends FakeQualtricsServer {

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        config.remove("hub.qualtrics.api-token");
        config.remove("hub.qualtrics.webhook.survey-ids");
        config.put("hub.qualtrics.client-id", FakeQualtrics.CLIENT_ID);
        config.put("hub.qualtrics.client-secret", FakeQualtrics.CLIENT_SECRET);
        config.put("hub.qualtrics.contact-details", "false");
        return config;
    }
}
