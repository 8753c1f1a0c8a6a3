package io.feedbackhub.qualtrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The distribution rules and date handling, without a server. */
class DistributionRulesTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static QualtricsRequest sms(String json) throws Exception {
        return DistributionRules.sms(JSON.readTree(json));
    }

    void refused(String json, String field) {
        assertThatThrownBy(() -> sms(json)).isInstanceOfSatisfying(CommandRejected.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.field()).isEqualTo(field);
        });
    }

    @Test
    void theSmsMethodTable() throws Exception {
        String base = "\"surveyId\":\"SV_a1\",\"sendDate\":\"2026-01-05T08:00:00Z\"";
        String list = "\"recipients\":{\"mailingListId\":\"CG_1\"}";
        String text = "\"message\":{\"messageText\":\"Hi\"}";
        assertThat(sms("{" + base + ",\"method\":\"Invite\"," + list + "," + text + "}").path()).isEqualTo("/API/v3/distributions/sms");
        sms("{" + base + ",\"method\":\"Interactive\"," + list + "}");
        sms("{" + base + ",\"method\":\"Thankyou\",\"parentDistributionId\":\"SMSD_1\"," + text + "}");
        refused("{" + base + ",\"method\":\"Invite\"," + text + "}", "recipients");
        refused("{" + base + ",\"method\":\"Interactive\"," + list + "," + text + "}", "message");
        refused("{" + base + ",\"method\":\"Reminder\"," + text + "}", "parentDistributionId");
        refused("{" + base + ",\"method\":\"Reminder\",\"parentDistributionId\":\"SMSD_1\"," + list + "," + text + "}", "recipients");
        refused("{" + base + ",\"method\":\"Invite\",\"parentDistributionId\":\"SMSD_1\"," + list + "," + text + "}", "parentDistributionId");
        refused("{" + base + ",\"method\":\"Invite\"," + list + ",\"message\":{\"messageText\":\"Hi\",\"messageId\":\"MS_1\"}}", "message");
        refused("{" + base + ",\"method\":\"Invite\",\"recipients\":{\"mailingListId\":\"CG_1\",\"sampleId\":\"SMP_1\"}," + text + "}",
                "recipients");
    }

    @Test
    void anSmsInviteMayGoToASample() throws Exception {
        String base = "\"surveyId\":\"SV_a1\",\"sendDate\":\"2026-01-05T08:00:00Z\",\"message\":{\"messageText\":\"Hi\"}";
        QualtricsRequest sent = sms("{" + base + ",\"method\":\"Invite\",\"recipients\":{\"sampleId\":\"SMP_1\"}}");
        assertThat(JSON.readTree(sent.body()).path("recipients").path("sampleId").asText()).isEqualTo("SMP_1");
        sms("{\"surveyId\":\"SV_a1\",\"sendDate\":\"2026-01-05T08:00:00Z\",\"method\":\"Interactive\",\"recipients\":{\"sampleId\":\"SMP_1\"}}");
        refused("{" + base + ",\"method\":\"Invite\",\"recipients\":{\"sampleId\":\"CG_1\"}}", "recipients.sampleId");
        refused("{" + base + ",\"method\":\"Invite\",\"recipients\":{\"sampleId\":\"SMP_1\",\"contactId\":\"CGC_1\"}}", "recipients.contactId");
        refused("{" + base + ",\"method\":\"Invite\",\"recipients\":{\"sampleId\":\"SMP_1\",\"transactionBatchId\":\"BT_1\"}}", "recipients");
        refused("{" + base + ",\"method\":\"Reminder\",\"parentDistributionId\":\"SMSD_1\",\"recipients\":{\"sampleId\":\"SMP_1\"}}",
                "recipients");
    }

    @Test
    void datesGoOutAsUtcWithoutMillisecondsAndZonelessOnesAreRefused() {
        assertThat(QualtricsDates.utc("sendDate", "2026-03-29T02:30:00+02:00")).isEqualTo("2026-03-29T00:30:00Z");
        assertThat(QualtricsDates.utc("sendDate", "2026-01-05T08:00:00.999Z")).isEqualTo("2026-01-05T08:00:00Z");
        assertThatThrownBy(() -> QualtricsDates.utc("sendDate", "2026-01-05 08:00:00")).isInstanceOfSatisfying(CommandRejected.class,
                e -> assertThat(e.field()).isEqualTo("sendDate"));
        assertThat(QualtricsResponses.utc("2020-10-22 12:31:40")).isEqualTo("2020-10-22T12:31:40Z");
    }
}
