package io.feedbackhub.winningtemp;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import org.apache.camel.CamelContext;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * Pass one of the pickup (read, check, diff) outside the hub, for the unit tests and the bench:
 * the accepted snapshot is {@code <dir>/<entity>.jsonl}, the next one {@code <dir>/<entity>.next}.
 */
public final class PassOne {

    /** What pass one found: the pass itself, its report, and a structural fault if the file had one. */
    public record Result(SnapshotReader.Pass pass, SnapshotReport report, String structural) {

        public long rows() {
            return pass.rows;
        }

        public long created() {
            return pass.created;
        }

        public long updated() {
            return pass.updated;
        }

        public long removed() {
            return pass.removed();
        }

        public long deactivated() {
            return pass.deactivated;
        }

        public Set<String> ids() {
            return pass.ids;
        }

        public int problems() {
            return report.problemCount(pass.fileName);
        }

        public String text() {
            return report.text("test");
        }

        /** Makes the next snapshot the accepted one, as a successful run does. */
        public void promote(Path dir) throws java.io.IOException {
            pass.accepted.close();
            java.nio.file.Files.move(pass.next, dir.resolve(pass.entity.label() + ".jsonl"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private PassOne() {
    }

    /** The connector's configuration from these properties and the defaults. */
    public static WinningtempConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().withMapping(WinningtempConfig.class)
                // Quarkus's converter reads durations such as 60s, as the hub does
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(new HashMap<>(properties), "test", 500)).build()
                .getConfigMapping(WinningtempConfig.class);
    }

    public static Result read(CamelContext camel, ObjectMapper json, WinningtempConfig config, Path dir, Entity entity,
            InputStream content, LocalDate today, Set<String> groups, Set<String> segments) throws java.io.IOException {
        SnapshotReader.Pass pass = new SnapshotReader.Pass(entity, entity.fileName(config), dir.resolve(entity.label() + ".next"),
                SnapshotIndex.load(dir.resolve(entity.label() + ".jsonl"), json));
        SnapshotReport report = new SnapshotReport();
        SnapshotReader reader = new SnapshotReader(json, new SnapshotFile(camel, entity, config),
                new RowRules(entity, config, today), report, config.quarantineBadRows(), pass, groups, segments,
                config.statuses().get(0));
        String structural = null;
        try {
            reader.read(content);
        } catch (SnapshotRejected.Structural e) {
            structural = "line " + e.line + ": " + e.getMessage();
        }
        return new Result(pass, report, structural);
    }
}
