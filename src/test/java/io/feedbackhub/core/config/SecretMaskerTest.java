package io.feedbackhub.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecretMaskerTest {

    @ParameterizedTest
    @CsvSource({
            "hub.wootric.password, true",
            "HUB_WOOTRIC_PASSWORD, true",
            "hub.wootric.client-secret, true",
            "HUB_WOOTRIC_CLIENT_SECRET, true",
            "hub.qualtrics.api-token, true",
            "HUB_QUALTRICS_API_TOKEN, true",
            "hub.segment.write-keys, true",
            "hub.qualtrics.webhook.shared-key, true",
            "hub.winningtemp.sftp.private-key-file, false",
            "hub.wootric.username, false",
            "HUB_DATA_DIR, false",
            "quarkus.http.ssl.certificate.key-store-password, false",
    })
    void recognisesSecretsByTheirNameInFilesAndInTheEnvironment(String property, boolean secret) {
        assertThat(SecretMasker.isSecret(property)).isEqualTo(secret);
    }
}
