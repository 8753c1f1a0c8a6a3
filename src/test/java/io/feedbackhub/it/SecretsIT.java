package io.feedbackhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.feedbackhub.testing.DemoPages;
import io.feedbackhub.testing.HubProcess;

/** A secret that an error text repeats is masked in every log line the packaged hub writes. */
class SecretsIT {

    static final String SECRET = "itS3cretApiTokenValue";

    @TempDir
    Path data;

    @Test
    void aSecretRepeatedByAnErrorIsMaskedInTheLog() {
        new DemoPages(data.resolve("demo-input")).writeRaw(1, "[{\"id\": " + SECRET + "}]");
        try (HubProcess hub = HubProcess.create(data, Map.of("HUB_DEMO_API_TOKEN", SECRET)).start()
                .awaitReady(Duration.ofSeconds(60))) {
            assertThat(hub.post("/hub/connectors/demo/run?mode=full").statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> hub.get("/hub/connectors/demo").body().contains("FAILED"));
            await().atMost(Duration.ofSeconds(5)).until(() -> hub.output().contains("failed: catalog"));
            assertThat(hub.get("/hub/connectors/demo").body()).contains("****").doesNotContain(SECRET);
            hub.stop();
            assertThat(hub.output()).contains("Unrecognized token '****'").doesNotContain(SECRET);
        }
    }
}
