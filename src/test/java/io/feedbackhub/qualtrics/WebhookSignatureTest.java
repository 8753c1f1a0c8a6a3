package io.feedbackhub.qualtrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The two test vectors of shared/docs/qualtrics-api.md §9.3 (kyma's hmac_test.go). */
class WebhookSignatureTest {

    static final String KEY = "kyma4ever";
    static final String MSG_1 = "{\"Status\":\"Complete\",\"SurveyID\":\"SV_1AmkKSDmoZ4XlQx\",\"ResponseID\":\"R_0B7IcnXszjEUHLP\","
            + "\"CompletedDate\":\"2019-06-25 07:58:25\",\"BrandID\":\"sapdevelopment\"}";
    static final String HMAC_1 = "c2c585a404c239aa3063b462cc33551d3ed3ed2de0899f58d456fc0ef7ebef6f3c3af44957989bd0592603e41edde9528f7d9ed09ee128bf719aa12f46e5c598";
    static final String MSG_2 = "{\"Status\":\"Complete\",\"SurveyID\":\"SV_22VlHYNeldrrrkp\",\"ResponseID\":\"R_1l9mcVuXubb4aGm\","
            + "\"CompletedDate\":\"2019-06-26 13:28:11\",\"BrandID\":\"sapdevelopment\"}";
    static final String HMAC_2 = "5db5cd1e0200e9ce6831ea0f1924beb97f136939e367c53f5af8f7d79c6727af495cb90d6c744fe72ab45efd9f9f2ba7c15b13fdf6565af3d5a4f50ed2c0c7d4";

    @Test
    void signsTheDocumentedVectors() {
        assertThat(WebhookSignature.sign(KEY, MSG_1)).isEqualTo(HMAC_1);
        assertThat(WebhookSignature.sign(KEY, MSG_2)).isEqualTo(HMAC_2);
    }

    @Test
    void acceptsTheVectorsAndRefusesAnythingElse() {
        WebhookSignature.verify(KEY, MSG_1, HMAC_1);
        WebhookSignature.verify(KEY, MSG_2, HMAC_2.toUpperCase());
        assertThatThrownBy(() -> WebhookSignature.verify(KEY, MSG_1, HMAC_2)).isInstanceOfSatisfying(WebhookRefused.class,
                e -> assertThat(e.status()).isEqualTo(403));
        assertThatThrownBy(() -> WebhookSignature.verify("kyma4ever!", MSG_1, HMAC_1)).isInstanceOfSatisfying(WebhookRefused.class,
                e -> assertThat(e.status()).isEqualTo(403));
        assertThatThrownBy(() -> WebhookSignature.verify(KEY, MSG_1 + " ", HMAC_1)).isInstanceOfSatisfying(WebhookRefused.class,
                e -> assertThat(e.status()).isEqualTo(403));
        assertThatThrownBy(() -> WebhookSignature.verify(KEY, MSG_1, "zz" + HMAC_1.substring(2))).isInstanceOfSatisfying(WebhookRefused.class,
                e -> assertThat(e.status()).isEqualTo(400));
        assertThatThrownBy(() -> WebhookSignature.verify(KEY, MSG_1, null)).isInstanceOfSatisfying(WebhookRefused.class,
                e -> assertThat(e.status()).isEqualTo(400));
    }
}
