package io.feedbackhub.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

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

    @Test
    void masksASecretAlsoAsAnEndpointUriOrARouteDumpSpellsIt() {
        String secret = "p&ss w<rd+/\"x";
        Config config = new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(Map.of("hub.demo.api-token", secret), "test", 100))
                .build();
        List<String> secrets = SecretMasker.secretValues(config);
        assertThat(SecretMasker.mask("token " + secret, secrets)).isEqualTo("token ****");
        assertThat(SecretMasker.mask("https://x/hook?sig=" + URLEncoder.encode(secret, StandardCharsets.UTF_8), secrets))
                .isEqualTo("https://x/hook?sig=****");
        assertThat(SecretMasker.mask("https://x/hooks/p%26ss%20w%3Crd%2B%2F%22x", secrets)).isEqualTo("https://x/hooks/****");
        assertThat(SecretMasker.mask("<to uri=\"https://x/?k=p&amp;ss w&lt;rd+/&quot;x\"/>", secrets)).isEqualTo("<to uri=\"https://x/?k=****\"/>");
    }
}
