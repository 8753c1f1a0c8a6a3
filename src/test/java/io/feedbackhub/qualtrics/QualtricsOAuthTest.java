package io.feedbackhub.qualtrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.testing.FakeQualtricsOAuth;
import io.feedbackhub.testing.FakeQualtricsServer;
import io.feedbackhub.testing.HubRuns;
import io.feedbackhub.testing.TestHub;
import io.feedbackhub.testing.fake.FakeQualtrics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** OAuth client credentials: one token for many calls, one refresh after a 401; the wrong-datacenter notice. */
@QuarkusTest
@WithTestResource(TestHub.class)
@WithTestResource(FakeQualtricsOAuth.class)
class QualtricsOAuthTest {

    @Inject
    HubConfig config;

    FakeQualtrics fake = FakeQualtricsServer.fake;

    @Test
    void oneTokenServesARunAndAnExpiredOneIsRenewedOnce() {
        IntStream.range(0, 120).forEach(i -> fake.addContact("oauth-" + i, "o" + i + "@example.com"));
        int before = fake.tokenRequests.get();

        assertThat(HubRuns.runToEnd("qualtrics", "full").get("status")).isEqualTo("SUCCEEDED");
        assertThat(fake.tokenRequests.get() - before).isLessThanOrEqualTo(1);
        int afterFirst = fake.tokenRequests.get();

        fake.expireTokens();
        assertThat(HubRuns.runToEnd("qualtrics", "full").get("status")).isEqualTo("SUCCEEDED");
        assertThat(fake.tokenRequests.get() - afterFirst).isEqualTo(1);
        assertThat(HubRuns.table(config.dataDir(), QualtricsContactsPull.TABLE)).hasSize(120);
    }

    @Test
    void aProxiedRequestIsLoggedWithTheHostToUse() {
        List<String> warnings = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                warnings.add(String.valueOf(record.getMessage()) + " " + java.util.Arrays.toString(record.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(QualtricsApiRoutes.class.getName());
        logger.addHandler(capture);
        try {
            fake.notice = "Request proxied. For faster response times, use this host instead: sjc1.qualtrics.com";
            assertThat(HubRuns.runToEnd("qualtrics", "full").get("status")).isEqualTo("SUCCEEDED");
            assertThat(warnings).anySatisfy(w -> assertThat(w).contains("sjc1.qualtrics.com").contains("datacenter"));
        } finally {
            fake.notice = null;
            logger.removeHandler(capture);
        }
    }
}
