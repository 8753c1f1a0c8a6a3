package io.feedbackhub.winningtemp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.feedbackhub.core.config.ConfigProblems;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** The column names are checked at start: one name per field, and the former positional list is refused. */
class WinningtempConfigCheckTest {

    static List<String> problems(Map<String, String> properties) {
        Map<String, String> all = new HashMap<>(properties);
        // as in the hub's application.properties: its own checks name unknown keys
        all.put("smallrye.config.mapping.validate-unknown", "false");
        SmallRyeConfig smallrye = new SmallRyeConfigBuilder().withMapping(WinningtempConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(all, "test", 500)).build();
        WinningtempConfigCheck check = new WinningtempConfigCheck();
        check.config = smallrye.getConfigMapping(WinningtempConfig.class);
        ConfigProblems problems = new ConfigProblems(smallrye);
        check.check(problems);
        return problems.all().stream().filter(p -> p.contains(".columns")).toList();
    }

    @Test
    void theDefaultColumnsPass() {
        assertThat(problems(Map.of())).isEmpty();
    }

    @Test
    void theFormerPositionalListIsRefusedNamingItsReplacement() {
        assertThat(problems(Map.of("hub.winningtemp.groups.columns", "Unique ID,Name,Parent ID")))
                .containsExactly("hub.winningtemp.groups.columns: is replaced by one key per field, the columns being found by name"
                        + " in any order: hub.winningtemp.groups.columns.id=<header name>, and so on for name, parent-id");
    }

    @Test
    void twoFieldsCannotShareAColumnNorANameHoldTheSeparator() {
        assertThat(problems(Map.of("hub.winningtemp.segments.columns.name", "segmentid",
                "hub.winningtemp.users.columns.title", "Title;Role")))
                .containsExactlyInAnyOrder(
                        "hub.winningtemp.segments.columns.name: names the same column as hub.winningtemp.segments.columns.id"
                                + " ('segmentid'): each field needs its own column",
                        "hub.winningtemp.users.columns.title: must be a header name without ';' or '\"', not 'Title;Role'");
    }
}
