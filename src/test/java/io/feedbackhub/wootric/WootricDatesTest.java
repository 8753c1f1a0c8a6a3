package io.feedbackhub.wootric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

class WootricDatesTest {

    @ParameterizedTest
    @CsvSource({
            "2018-01-02 23:03:41 -0800,        2018-01-03T07:03:41Z",
            "2014-12-01 18:36:59,              2014-12-01T18:36:59Z",
            "2015-02-12T06:29:27.000-08:00,    2015-02-12T14:29:27Z",
            "2015-04-20 04:46:51-08:00,        2015-04-20T12:46:51Z",
            "2016-12-16 09:05:13 +0530,        2016-12-16T03:35:13Z",
            "2020-01-01T00:00:00Z,             2020-01-01T00:00:00Z",
    })
    void everyShapeWootricUsesBecomesUtc(String wootric, String utc) {
        assertThat(WootricDates.parse(wootric)).hasToString(utc);
    }

    @Test
    void recordsAreNormalisedAndOtherFieldsKept() throws Exception {
        ObjectNode record = (ObjectNode) new ObjectMapper().readTree(
                "{\"id\":2,\"created_at\":\"2018-01-02 23:03:41 -0800\",\"last_seen_at\":null,"
                        + "\"external_created_at\":1515940485,\"properties\":{\"purchase_date\":1494569021,\"signed_up_at\":1494569021},"
                        + "\"last_response\":{\"id\":5,\"created_at\":\"2018-01-07 15:30:44 -0800\",\"survey\":{\"sent_at\":\"2018-01-07 15:30:00\"}}}");
        WootricDates.normalise(record);
        assertThat(record.toString()).isEqualTo("{\"id\":2,\"created_at\":\"2018-01-03T07:03:41Z\",\"last_seen_at\":null,"
                + "\"external_created_at\":\"2018-01-14T14:34:45Z\",\"properties\":{\"purchase_date\":1494569021,\"signed_up_at\":1494569021},"
                + "\"last_response\":{\"id\":5,\"created_at\":\"2018-01-07T23:30:44Z\",\"survey\":{\"sent_at\":\"2018-01-07T15:30:00Z\"}}}");
    }

    @Test
    void somethingElseIsRefused() {
        assertThatThrownBy(() -> WootricDates.parse("yesterday")).hasMessageContaining("not a Wootric datetime");
    }
}
