package io.feedbackhub.qualtrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.util.List;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.testing.FakeQualtricsServer;
import io.feedbackhub.testing.HubRuns;
import io.feedbackhub.testing.TestHub;
import io.feedbackhub.testing.fake.FakeQualtrics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

/** The /qualtrics command API on the public port against the fake Qualtrics. */
@QuarkusTest
@WithTestResource(TestHub.class)
@WithTestResource(FakeQualtricsServer.class)
class QualtricsCommandsTest {

    @Inject
    HubConfig config;

    FakeQualtrics fake = FakeQualtricsServer.fake;

    static RequestSpecification hub() {
        return given().baseUri("http://127.0.0.1").port(ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class))
                .contentType("application/json");
    }

    static RequestSpecification authorised() {
        return hub().header("Authorization", "Bearer " + FakeQualtricsServer.HUB_API_TOKEN);
    }

    @BeforeEach
    void reset() {
        fake.clearFaults();
    }

    /** The requests commands made (the hub's own start-up subscription check aside). */
    long commandCalls() {
        return List.copyOf(fake.requests).stream().filter(r -> !r.contains("/eventsubscriptions")).count();
    }

    long calls(String part) {
        return List.copyOf(fake.requests).stream().filter(r -> r.contains(part)).count();
    }

    @Test
    void withoutTheBearerTokenNothingIsCalledOrRecorded() {
        long before = commandCalls();
        int records = HubRuns.table(config.dataDir(), QualtricsCommands.RESULTS_TABLE).size();
        hub().body("{\"firstName\":\"X\"}").post("/qualtrics/contacts").then().statusCode(401);
        hub().header("Authorization", "Bearer wrong-token-of-some-length").get("/qualtrics/contacts").then().statusCode(401);
        assertThat(commandCalls()).isEqualTo(before);
        assertThat(HubRuns.table(config.dataDir(), QualtricsCommands.RESULTS_TABLE)).hasSize(records);
    }

    @Test
    void contactsCreateGetUpdateUpsertDeleteAndList() {
        String id = authorised().body("{\"firstName\":\"Jane\",\"lastName\":\"Doe\",\"email\":\"jane@example.com\",\"phone\":\"\","
                + "\"extRef\":\"cmd-jane\",\"embeddedData\":{\"level\":\"mid\"}}")
                .post("/qualtrics/contacts").then().statusCode(200).body("result.id", startsWith("CID_")).extract().path("result.id");
        assertThat(fake.contact(id).path("email").asText()).isEqualTo("jane@example.com");
        assertThat(fake.contact(id).has("phone")).as("an empty core field is left out").isFalse();

        // what a GET returns, edited and PUT back: the read-only keys are stripped, a null e-mail left out
        String got = authorised().get("/qualtrics/contacts/" + id).then().statusCode(200)
                .body("result.mailingListMembership", org.hamcrest.Matchers.notNullValue()).extract().asString();
        JsonNode contact = fake.contact(id).deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) contact).put("lastName", "Roe").putNull("email");
        assertThat(got).contains(id);
        authorised().body(contact.toString()).put("/qualtrics/contacts/" + id).then().statusCode(200);
        assertThat(fake.contact(id).path("lastName").asText()).isEqualTo("Roe");
        assertThat(fake.contact(id).path("email").asText()).isEqualTo("jane@example.com");

        authorised().body("{\"firstName\":\"Janet\"}").put("/qualtrics/contacts/by-ext-ref/cmd-jane").then().statusCode(200)
                .body("result.id", equalTo(id)).body("result.action", equalTo("updated"));
        assertThat(fake.contact(id).path("firstName").asText()).isEqualTo("Janet");
        String created = authorised().body("{\"firstName\":\"Max\",\"email\":\"max@example.com\"}")
                .put("/qualtrics/contacts/by-ext-ref/cmd-max").then().statusCode(200).body("result.action", equalTo("created"))
                .extract().path("result.id");
        assertThat(fake.contact(created).path("extRef").asText()).isEqualTo("cmd-max");

        authorised().delete("/qualtrics/contacts/" + created).then().statusCode(200);
        assertThat(fake.contact(created)).isNull();
        // Qualtrics' own 404 envelope comes back
        authorised().delete("/qualtrics/contacts/" + created).then().statusCode(404).body("meta.error.errorCode", equalTo("CONTACT_NF"));

        List<String> listed = authorised().queryParam("limit", 3).get("/qualtrics/contacts").then().statusCode(200)
                .extract().jsonPath().getList("result.elements.contactId");
        assertThat(listed).hasSize(Math.min(3, fake.contacts().size()));

        List<JsonNode> results = HubRuns.table(config.dataDir(), QualtricsCommands.RESULTS_TABLE);
        assertThat(results).anySatisfy(r -> {
            assertThat(r.path("command").asText()).isEqualTo("contacts.create");
            assertThat(r.path("qualtricsId").asText()).isEqualTo(id);
            assertThat(r.path("status").asInt()).isEqualTo(200);
        });
        assertThat(results).anySatisfy(r -> assertThat(r.path("errorCode").asText()).isEqualTo("CONTACT_NF"));
    }

    @Test
    void aCreateAnsweredWith504IsFoundByItsExtRefAndNotRepeated() {
        fake.inject(FakeQualtrics.Fault.gatewayTimeoutAfterCommit("POST", "/contacts"));
        String id = authorised().body("{\"firstName\":\"Gate\",\"email\":\"gate@example.com\",\"extRef\":\"cmd-504\"}")
                .post("/qualtrics/contacts").then().statusCode(200).extract().path("result.id");
        assertThat(fake.contacts().stream().filter(c -> c.path("extRef").asText().equals("cmd-504"))).hasSize(1);
        assertThat(id).isEqualTo(fake.contacts().stream().filter(c -> c.path("extRef").asText().equals("cmd-504")).findFirst()
                .orElseThrow().path("contactId").asText());
    }

    @Test
    void aCreateWhoseOutcomeCannotBeCheckedIsNotRepeated() {
        fake.inject(FakeQualtrics.Fault.gatewayTimeoutAfterCommit("POST", "/contacts"));
        for (int i = 0; i < 20; i++) {
            fake.inject(FakeQualtrics.Fault.status("POST", "/contacts/search", 500));
        }
        authorised().body("{\"firstName\":\"Blind\",\"email\":\"blind@example.com\",\"extRef\":\"cmd-unchecked\"}")
                .post("/qualtrics/contacts").then().statusCode(504);
        assertThat(fake.contacts().stream().filter(c -> c.path("extRef").asText().equals("cmd-unchecked"))).hasSize(1);
    }

    @Test
    void aCreateThatTimedOutIsFoundByItsExtRefAndNotRepeated() {
        // the fake carries the create out and answers after the hub's 3 s request timeout
        fake.inject(FakeQualtrics.Fault.slowAfterCommit("POST", "/contacts", 3_500));
        authorised().body("{\"firstName\":\"Slow\",\"email\":\"slow@example.com\",\"extRef\":\"cmd-timeout\"}")
                .post("/qualtrics/contacts").then().statusCode(200).body("result.id", startsWith("CID_"));
        assertThat(fake.contacts().stream().filter(c -> c.path("extRef").asText().equals("cmd-timeout"))).hasSize(1);
    }

    @Test
    void aCreateWithoutExtRefThatGot504IsNotRepeatedAndSaysSo() {
        fake.inject(FakeQualtrics.Fault.gatewayTimeoutAfterCommit("POST", "/contacts"));
        authorised().body("{\"firstName\":\"NoRef\",\"email\":\"noref@example.com\"}")
                .post("/qualtrics/contacts").then().statusCode(504).body("meta.httpStatus", startsWith("504"));
        assertThat(fake.contacts().stream().filter(c -> c.path("email").asText().equals("noref@example.com"))).hasSize(1);
    }

    @Test
    void aCreateWhoseFirstTryFailedWithoutCommittingIsTriedAgain() {
        fake.inject(FakeQualtrics.Fault.status("POST", "/contacts", 503), FakeQualtrics.Fault.tooMany("POST", "/contacts", "0"));
        authorised().body("{\"firstName\":\"Retry\",\"email\":\"retry@example.com\",\"extRef\":\"cmd-503\"}")
                .post("/qualtrics/contacts").then().statusCode(200).body("result.id", startsWith("CID_"));
        assertThat(fake.contacts().stream().filter(c -> c.path("extRef").asText().equals("cmd-503"))).hasSize(1);
    }

    @Test
    void emailDistributionsAreCheckedBeforeQualtricsIsCalledAndDatesGoOutInUtc() {
        String valid = """
                {"surveyLink":{"surveyId":"SV_abc123abc123abc","expirationDate":"2026-12-31T23:59:59.500Z","type":"Individual"},
                 "header":{"fromEmail":"noreply@example.com","fromName":"HR","replyToEmail":"hr@example.com","subject":"Pulse"},
                 "message":{"libraryId":"UR_xxxxxxxxxxxxxxx","messageId":"MS_xxxxxxxxxxxxxxx"},
                 "recipients":{"mailingListId":"CG_xxxxxxxxxxxxxxx","contactId":"CGC_xxxxxxxxxxxxx"},
                 "sendDate":"2026-01-05T09:00:00+01:00"}""";
        String id = authorised().body(valid).post("/qualtrics/distributions/email").then().statusCode(200)
                .body("result.id", startsWith("EMD_")).extract().path("result.id");
        JsonNode sent = fake.emailDistributions().get(id);
        assertThat(sent.path("sendDate").asText()).isEqualTo("2026-01-05T08:00:00Z");
        assertThat(sent.path("surveyLink").path("expirationDate").asText()).isEqualTo("2026-12-31T23:59:59Z");

        long before = calls("/distributions");
        rejected("/qualtrics/distributions/email", valid.replace("\"recipients\":{\"mailingListId\":\"CG_xxxxxxxxxxxxxxx\",",
                "\"recipients\":{\"mailingListId\":\"CG_xxxxxxxxxxxxxxx\",\"transactionBatchId\":\"BT_1\","), "recipients");
        rejected("/qualtrics/distributions/email", valid.replace("\"libraryId\":\"UR_xxxxxxxxxxxxxxx\",", "\"messageText\":\"Hi\",\"libraryId\":\"UR_x\","),
                "message");
        rejected("/qualtrics/distributions/email", valid.replace("CGC_xxxxxxxxxxxxx", "CID_xxxxxxxxxxxxxxx"), "recipients.contactId");
        rejected("/qualtrics/distributions/email", valid.replace("2026-01-05T09:00:00+01:00", "2026-01-05T09:00:00"), "sendDate");
        rejected("/qualtrics/distributions/email", valid.replace("SV_abc123abc123abc", "EMD_abc123abc123ab"), "surveyLink.surveyId");
        assertThat(calls("/distributions")).as("nothing invalid reached Qualtrics").isEqualTo(before);

        String reminder = """
                {"method":"Reminder","parentDistributionId":"%s","header":{"fromEmail":"noreply@example.com","subject":"Reminder"},
                 "message":{"messageText":"Please answer"},"sendDate":"2026-01-07T08:00:00Z"}""".formatted(id);
        String reminderId = authorised().body(reminder).post("/qualtrics/distributions/email").then().statusCode(200).extract().path("result.distributionId");
        assertThat(fake.emailDistributions().get(reminderId).path("parentDistributionId").asText()).isEqualTo(id);
    }

    @Test
    void smsDistributionsFollowTheMethodTableAndAreStoredApart() {
        String invite = """
                {"name":"Pulse SMS","surveyId":"SV_abc123abc123abc","method":"Invite","sendDate":"2026-01-05T08:00:00Z",
                 "surveyLinkExpirationDate":"2026-01-12T08:00:00Z","recipients":{"mailingListId":"CG_xxxxxxxxxxxxxxx"},
                 "message":{"messageText":"Tell us how we did"}}""";
        String id = authorised().body(invite).post("/qualtrics/distributions/sms").then().statusCode(200).extract().path("result.id");
        assertThat(fake.smsDistributions()).containsKey(id);
        assertThat(fake.emailDistributions()).doesNotContainKey(id);

        long before = calls("/distributions/sms");
        rejected("/qualtrics/distributions/sms", invite.replace("\"Invite\"", "\"Reminder\""), "recipients");
        rejected("/qualtrics/distributions/sms", invite.replace("\"Invite\"", "\"Interactive\""), "message");
        rejected("/qualtrics/distributions/sms", invite.replace("\"recipients\":{\"mailingListId\":\"CG_xxxxxxxxxxxxxxx\"},", ""), "recipients");
        rejected("/qualtrics/distributions/sms", invite.replace("\"Invite\"", "\"Invite\",\"parentDistributionId\":\"SMSD_1\""), "parentDistributionId");
        rejected("/qualtrics/distributions/sms", invite.replace("\"Invite\"", "\"Broadcast\""), "method");
        assertThat(calls("/distributions/sms")).isEqualTo(before);

        String reminder = """
                {"surveyId":"SV_abc123abc123abc","method":"reminder","parentDistributionId":"%s","sendDate":"2026-01-06T08:00:00Z",
                 "message":{"libraryId":"UR_xxxxxxxxxxxxxxx","messageId":"MS_xxxxxxxxxxxxxxx"}}""".formatted(id);
        String reminderId = authorised().body(reminder).post("/qualtrics/distributions/sms").then().statusCode(200).extract().path("result.id");
        assertThat(fake.smsDistributions().get(reminderId).path("method").asText()).isEqualTo("Reminder");
    }

    @Test
    void anSmsInviteToASampleIsForwardedAndBadRecipientsAreRefusedFirst() {
        String invite = """
                {"name":"Sample SMS","surveyId":"SV_abc123abc123abc","method":"Invite","sendDate":"2026-01-05T08:00:00Z",
                 "recipients":{"sampleId":"%s"},"message":{"messageText":"Tell us how we did"}}""";
        String id = authorised().body(invite.formatted(FakeQualtrics.SAMPLE)).post("/qualtrics/distributions/sms").then().statusCode(200)
                .body("result.id", startsWith("SMSD_")).extract().path("result.id");
        assertThat(fake.smsDistributions().get(id).path("recipients").path("sampleId").asText()).isEqualTo(FakeQualtrics.SAMPLE);
        // a sample Qualtrics does not know: its own 400 comes back
        authorised().body(invite.formatted("SMP_notInTheDirectory")).post("/qualtrics/distributions/sms").then().statusCode(400)
                .body("meta.error.errorCode", equalTo("SMS_INVALID"));

        long before = calls("/distributions/sms");
        String sample = "\"recipients\":{\"sampleId\":\"%s\"}";
        rejected("/qualtrics/distributions/sms", invite.formatted(FakeQualtrics.SAMPLE).replace(sample.formatted(FakeQualtrics.SAMPLE),
                "\"recipients\":{\"sampleId\":\"" + FakeQualtrics.SAMPLE + "\",\"mailingListId\":\"CG_xxxxxxxxxxxxxxx\"}"), "recipients");
        rejected("/qualtrics/distributions/sms", invite.formatted(FakeQualtrics.SAMPLE).replace(sample.formatted(FakeQualtrics.SAMPLE),
                "\"recipients\":{\"sampleId\":\"" + FakeQualtrics.SAMPLE + "\",\"contactId\":\"CGC_xxxxxxxxxxxxx\"}"), "recipients.contactId");
        rejected("/qualtrics/distributions/sms", invite.formatted("CG_xxxxxxxxxxxxxxx"), "recipients.sampleId");
        rejected("/qualtrics/distributions/sms", invite.formatted(FakeQualtrics.SAMPLE).replace("\"Invite\"", "\"Thankyou\",\"parentDistributionId\":\"" + id + "\""),
                "recipients");
        assertThat(calls("/distributions/sms")).as("nothing invalid reached Qualtrics").isEqualTo(before);
    }

    @Test
    void theRawCallIsConfinedToApiV3OnTheConfiguredHost() {
        authorised().body("{\"method\":\"GET\",\"path\":\"/API/v3/distributions/sms\",\"query\":{\"surveyId\":\"SV_abc123abc123abc\"}}")
                .post("/qualtrics/api").then().statusCode(200).body("meta.httpStatus", equalTo("200 - OK"));
        // Qualtrics' error comes back as it is
        authorised().body("{\"method\":\"GET\",\"path\":\"/API/v3/distributions\"}")
                .post("/qualtrics/api").then().statusCode(400).body("meta.error.errorCode", equalTo("MISSING_SURVEY"));
        long before = commandCalls();
        for (String path : List.of("/API/v3/../oauth2/token", "https://evil.example.com/API/v3/x", "//evil.example.com/API/v3/x",
                "/API/v3/%2e%2e/oauth2/token", "/oauth2/token", "/API/v3",
                // the same, written relative to /API as the modules show paths
                "/v3/../oauth2/token", "/v3/../../oauth2/token", "/v3/%2e%2e/oauth2/token", "/v3/%2E%2E/oauth2/token",
                "/v3/surveys%2f..%2f..%2foauth2%2ftoken", "/v3/..%2Foauth2/token", "/v3/./surveys", "/v3/surveys/..",
                "/v3\\\\..\\\\oauth2", "https://evil.example.com/v3/surveys", "//evil.example.com/v3/surveys", "http:/v3/surveys",
                "/v3@evil.example.com/surveys", "/v3/surveys?x=1", "/v3", "/v3/", "v3/surveys", "/API/v3/../v3/surveys")) {
            authorised().body("{\"method\":\"GET\",\"path\":\"" + path + "\"}").post("/qualtrics/api").then()
                    .statusCode(400).body("field", equalTo("path"));
        }
        authorised().body("{\"method\":\"GET\",\"path\":\"/API/v3/x\",\"headers\":{\"X-API-TOKEN\":\"other\"}}").post("/qualtrics/api")
                .then().statusCode(400).body("field", containsString("headers"));
        assertThat(commandCalls()).isEqualTo(before);
    }

    @Test
    void theRawCallTakesThePathAsTheModuleShowsItOrUnderApi() {
        for (String path : List.of("/v3/surveys", "/API/v3/surveys")) {
            long before = calls("GET /API/v3/surveys");
            authorised().body("{\"method\":\"GET\",\"path\":\"" + path + "\"}").post("/qualtrics/api").then().statusCode(200)
                    .body("result.elements.id", org.hamcrest.Matchers.hasItem(FakeQualtricsServer.SURVEY));
            assertThat(calls("GET /API/v3/surveys") - before).as(path).isEqualTo(1);
        }
        assertThat(fake.requests).noneMatch(r -> r.startsWith("GET /v3/") || r.contains("/API/API/"));
    }

    @Test
    void aRawReadIsRetriedAfterA5xxButARawPostIsNot() {
        fake.inject(FakeQualtrics.Fault.status("GET", "/distributions/sms", 503));
        authorised().body("{\"method\":\"GET\",\"path\":\"/API/v3/distributions/sms\",\"query\":{\"surveyId\":\"SV_raw1\"}}")
                .post("/qualtrics/api").then().statusCode(200);
        fake.inject(FakeQualtrics.Fault.status("POST", "/distributions/sms", 500));
        long posts = calls("POST /API/v3/distributions/sms");
        authorised().body("{\"method\":\"POST\",\"path\":\"/API/v3/distributions/sms\",\"body\":{\"method\":\"Invite\"}}")
                .post("/qualtrics/api").then().statusCode(500).body("meta.error.instanceId", equalTo("fake-instance-1"));
        assertThat(calls("POST /API/v3/distributions/sms") - posts).as("a POST that may have gone through is not repeated").isEqualTo(1);
    }

    /** An email invite of its own survey, so that no other test's distribution looks like it. */
    static String invite(String survey) {
        return """
                {"surveyLink":{"surveyId":"%s","type":"Individual"},
                 "header":{"fromEmail":"noreply@example.com","subject":"Pulse"},
                 "message":{"messageText":"How are we doing?"},
                 "recipients":{"mailingListId":"CG_onceList000001"},"sendDate":"2026-02-02T08:00:00Z"}""".formatted(survey);
    }

    List<JsonNode> results(String commandId) {
        return HubRuns.table(config.dataDir(), QualtricsCommands.RESULTS_TABLE).stream()
                .filter(r -> r.path("commandId").asText().equals(commandId)).toList();
    }

    @Test
    void aDistributionRepeatedWithItsIdempotencyKeyGoesOutOnce() {
        String body = invite("SV_onceRepeated00001");
        long posts = calls("POST /API/v3/distributions");
        String id = authorised().header("Idempotency-Key", "send-repeated-1").body(body).post("/qualtrics/distributions/email")
                .then().statusCode(200).extract().path("result.id");
        // the caller did not see the answer and sends it again: the same distribution comes back, nothing goes out
        authorised().header("Idempotency-Key", "send-repeated-1").body(body).post("/qualtrics/distributions/email")
                .then().statusCode(200).body("result.id", equalTo(id)).body("meta.notice", containsString("nothing was sent again"));
        assertThat(calls("POST /API/v3/distributions") - posts).isEqualTo(1);
        assertThat(results("send-repeated-1")).extracting(r -> r.path("outcome").asText() + " " + r.path("qualtricsId").asText())
                .containsExactly("answered " + id, "remembered " + id);

        // the same key on another command is a mistake of the caller's, not a repeat
        authorised().header("Idempotency-Key", "send-repeated-1").body(invite("SV_onceOther00000001")).post("/qualtrics/distributions/email")
                .then().statusCode(422).body("error", containsString("another command"));
        authorised().header("Idempotency-Key", "bad key with spaces").body(body).post("/qualtrics/distributions/email")
                .then().statusCode(400).body("field", equalTo("Idempotency-Key"));
        assertThat(calls("POST /API/v3/distributions") - posts).isEqualTo(1);
    }

    @Test
    void aDistributionWhoseAnswerWasLostIsFoundInQualtricsNotSentAgain() {
        String body = invite("SV_onceAnswerLost001");
        fake.inject(FakeQualtrics.Fault.gatewayTimeoutAfterCommit("POST", "/distributions"));
        long posts = calls("POST /API/v3/distributions");
        authorised().header("Idempotency-Key", "send-lost-answer").body(body).post("/qualtrics/distributions/email").then().statusCode(504);
        String made = fake.emailDistributions().values().stream()
                .filter(d -> d.path("surveyLink").path("surveyId").asText().equals("SV_onceAnswerLost001")).findFirst().orElseThrow()
                .path("id").asText();

        authorised().header("Idempotency-Key", "send-lost-answer").body(body).post("/qualtrics/distributions/email")
                .then().statusCode(200).body("result.id", equalTo(made)).body("meta.notice", containsString("interrupted"));
        assertThat(calls("POST /API/v3/distributions") - posts).isEqualTo(1);
        assertThat(results("send-lost-answer").get(1).path("outcome").asText()).isEqualTo("recovered");
        assertThat(results("send-lost-answer").get(1).path("qualtricsId").asText()).isEqualTo(made);
    }

    @Test
    void aDistributionThatMayHaveGoneOutIsNotSentAgainAndItsOutcomeIsUnknown() {
        String body = invite("SV_onceUnknown000001");
        // the gateway answers 504 and the distribution is not there: it may still appear, so it is not sent again
        fake.inject(FakeQualtrics.Fault.status("POST", "/distributions", 504));
        long posts = calls("POST /API/v3/distributions");
        authorised().header("Idempotency-Key", "send-unknown").body(body).post("/qualtrics/distributions/email").then().statusCode(504);
        authorised().header("Idempotency-Key", "send-unknown").body(body).post("/qualtrics/distributions/email").then().statusCode(409)
                .body("outcome", equalTo("unknown")).body("error", containsString("Check in Qualtrics"));
        assertThat(calls("POST /API/v3/distributions") - posts).isEqualTo(1);
        assertThat(results("send-unknown")).extracting(r -> r.path("outcome").asText()).containsExactly("answered", "unknown");
    }

    @Test
    void aDistributionQualtricsRefusedMayBeSentAgainWithItsKey() {
        String body = invite("SV_onceRefused000001");
        fake.inject(FakeQualtrics.Fault.status("POST", "/distributions", 400));
        long posts = calls("POST /API/v3/distributions");
        authorised().header("Idempotency-Key", "send-refused").body(body).post("/qualtrics/distributions/email").then().statusCode(400);
        authorised().header("Idempotency-Key", "send-refused").body(body).post("/qualtrics/distributions/email").then().statusCode(200)
                .body("result.id", startsWith("EMD_"));
        assertThat(calls("POST /API/v3/distributions") - posts).isEqualTo(2);
    }

    @Test
    void aContactCreateInterruptedAfterItStartedIsFoundByItsExtRef() {
        String body = "{\"firstName\":\"Once\",\"email\":\"once@example.com\",\"extRef\":\"cmd-once\"}";
        // no answer, and the search the create's own retry needs fails too: the create is not confirmed
        fake.inject(FakeQualtrics.Fault.gatewayTimeoutAfterCommit("POST", "/contacts"));
        for (int i = 0; i < 20; i++) {
            fake.inject(FakeQualtrics.Fault.status("POST", "/contacts/search", 500));
        }
        authorised().header("Idempotency-Key", "create-once").body(body).post("/qualtrics/contacts").then().statusCode(504);
        fake.clearFaults();
        String id = authorised().header("Idempotency-Key", "create-once").body(body).post("/qualtrics/contacts").then().statusCode(200)
                .extract().path("result.id");
        assertThat(fake.contacts().stream().filter(c -> c.path("extRef").asText().equals("cmd-once"))).singleElement()
                .satisfies(c -> assertThat(c.path("contactId").asText()).isEqualTo(id));
    }

    void rejected(String path, String body, String field) {
        authorised().body(body).post(path).then().statusCode(400).body("field", equalTo(field));
    }

}
