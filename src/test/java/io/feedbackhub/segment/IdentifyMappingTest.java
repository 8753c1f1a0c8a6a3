package io.feedbackhub.segment;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The vectors of Segment's Wootric integration (shared/docs/segment-tracking-api.md §4.1). */
class IdentifyMappingTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode identify(String json) throws Exception {
        return JSON.readTree(json);
    }

    @ParameterizedTest(name = "createdAt {0} -> {1}")
    @CsvSource({
            "'\"2015-01-01\"',               1420070400",
            "'\"20150101\"',                 1420070400",
            "'\"1420099200000\"',            1420099200",
            "'\"1420099200.435\"',           1420099200",
            "'\"2018-08-03T15:28:46.493Z\"', 1533310126",
            "'\"2018-08-03T15:28:46.500Z\"', 1533310127",
            "'\"2021-01-20T13:39:21.032Z\"', 1611149961",
            "'\"2018-08-03T15:28:46\"',      1533310126",
            "'1420099200',                   1420099200",
            "'1420099200435',                1420099200",
            "'1420099200.5',                 1420099201",
    })
    void createdAtIsReadByTheNewDateRulesAndRoundedToTheNearestSecond(String createdAt, String seconds) throws Exception {
        Map<String, String> fields = IdentifyMapping.fields(identify("{\"userId\":\"u1\",\"traits\":{\"createdAt\":" + createdAt + "}}"));
        assertThat(fields).containsEntry("external_created_at", seconds);
    }

    @Test
    void emailCreatedAtAndIdBecomeFieldsAndTheRestProperties() throws Exception {
        Map<String, String> fields = IdentifyMapping.fields(identify("{\"userId\":\"abcd1234\",\"traits\":{"
                + "\"email\":\"hello@example.com\",\"createdAt\":\"01/01/2015\",\"property1\":\"foo\",\"property2\":\"bar\","
                + "\"language\":\"es\",\"id\":\"abcd1234\",\"phone\":\"+15551234567\",\"plan\":{\"tier\":\"pro\"},\"seats\":5}}"));
        assertThat(fields).containsExactly(
                Map.entry("email", "hello@example.com"),
                Map.entry("external_id", "abcd1234"),
                Map.entry("external_created_at", "1420070400"),
                Map.entry("phone_number", "+15551234567"),
                Map.entry("properties[property1]", "foo"),
                Map.entry("properties[property2]", "bar"),
                Map.entry("properties[language]", "es"),
                Map.entry("properties[plan]", "{\"tier\":\"pro\"}"),
                Map.entry("properties[seats]", "5"));
    }

    @Test
    void dateTraitsGetTheDateSuffixOnce() throws Exception {
        Map<String, String> fields = IdentifyMapping.fields(identify(
                "{\"userId\":\"u\",\"traits\":{\"property2\":\"2015-01-01\",\"property3_date\":1420070400,\"renewal_date\":\"2015-01-01\"}}"));
        assertThat(fields).containsEntry("properties[property2_date]", "1420070400").doesNotContainKey("properties[property2]")
                .containsEntry("properties[property3_date]", "1420070400").doesNotContainKey("properties[property3_date_date]")
                .containsEntry("properties[renewal_date]", "1420070400");
    }

    @Test
    void anEmailUserIdIsTheEmailWhenNoTraitSaysOtherwise() throws Exception {
        assertThat(IdentifyMapping.fields(identify("{\"userId\":\"jane@example.com\",\"traits\":{}}")))
                .containsEntry("email", "jane@example.com").containsEntry("external_id", "jane@example.com");
        assertThat(IdentifyMapping.fields(identify("{\"anonymousId\":\"anon\",\"traits\":{}}"))).doesNotContainKey("email");
    }
}
