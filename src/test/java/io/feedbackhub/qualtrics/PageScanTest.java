package io.feedbackhub.qualtrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PageScanTest {

    static final String HOST = "https://fra1.qualtrics.com";
    static final QualtricsRequest FIRST = QualtricsRequest.get("/directories/POOL_x/contacts", "pageSize=100");

    @Test
    void followsNextPageVerbatimUntilThereIsNone() {
        PageScan scan = new PageScan(HOST, FIRST, null);
        assertThat(scan.next()).isSameAs(FIRST);
        assertThat(scan.take(87)).isEqualTo(87);
        scan.follow(HOST + "/API/v3/directories/POOL_x/contacts?pageSize=100&skipToken=a%2Bb%3D&useNewPaginationScheme=true");
        assertThat(scan.next().path()).isEqualTo("/API/v3/directories/POOL_x/contacts");
        assertThat(scan.next().query()).isEqualTo("pageSize=100&skipToken=a%2Bb%3D&useNewPaginationScheme=true");
        // a short page is not the end
        assertThat(scan.take(3)).isEqualTo(3);
        scan.follow(HOST + "/API/v3/directories/POOL_x/contacts?skipToken=c");
        assertThat(scan.hasNext()).isTrue();
        scan.follow(null);
        assertThat(scan.hasNext()).isFalse();
        assertThat(scan.taken()).isEqualTo(90);
    }

    @Test
    void stopsAtTheLimit() {
        PageScan scan = new PageScan(HOST, FIRST, 150);
        assertThat(scan.take(100)).isEqualTo(100);
        scan.follow(HOST + "/API/v3/x?skipToken=1");
        assertThat(scan.take(100)).isEqualTo(50);
        scan.follow(HOST + "/API/v3/x?skipToken=2");
        assertThat(scan.hasNext()).isFalse();
    }

    @Test
    void refusesLoopsOtherHostsAndNonUrls() {
        PageScan scan = new PageScan(HOST, FIRST, null);
        scan.follow(HOST + "/API/v3/x?skipToken=1");
        assertThatThrownBy(() -> scan.follow(HOST + "/API/v3/x?skipToken=1")).hasMessageContaining("same nextPage twice");
        assertThatThrownBy(() -> new PageScan(HOST, FIRST, null).follow("https://evil.example.com/API/v3/x"))
                .hasMessageContaining("not the configured");
        assertThatThrownBy(() -> new PageScan(HOST, FIRST, null).follow("skipToken=abc")).hasMessageContaining("not a URL");
        PageScan mock = new PageScan(HOST, FIRST, null);
        mock.follow("string");
        assertThat(mock.hasNext()).isFalse();
    }
}
