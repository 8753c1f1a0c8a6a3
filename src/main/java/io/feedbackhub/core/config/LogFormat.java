package io.feedbackhub.core.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Turns {@code hub.log.format} into quarkus-logging-json's runtime switch
 * {@code quarkus.log.console.json.enabled}: a property expression cannot map {@code json} to
 * {@code true}, and the extension's own default is on. Its ordinal is below every file and variable,
 * so an explicit {@code quarkus.log.console.json.enabled} wins. A value other than {@code text} or
 * {@code json} logs as text until {@link HubConfigCheck} stops the hub over it.
 */
public class LogFormat implements ConfigSourceFactory {

    static final String JSON_ENABLED = "quarkus.log.console.json.enabled";
    static final List<String> FORMATS = List.of("text", "json");

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue format = context.getValue("hub.log.format");
        boolean json = normalised(format == null ? null : format.getValue()).equals("json");
        return List.of(new PropertiesConfigSource(Map.of(JSON_ENABLED, String.valueOf(json)), "feedback-hub log format", 50));
    }

    static String normalised(String format) {
        return format == null ? "text" : format.trim().toLowerCase(Locale.ROOT);
    }
}
