package io.feedbackhub.core.config;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * The default interface of the management port: every interface once {@code hub.management.token}
 * is set (or {@code hub.management.open=true}), else 127.0.0.1 only, so a hub without a token can be
 * managed only from its own machine. Its ordinal is below every file and variable, so an explicit
 * {@code quarkus.management.host} wins; {@link HubConfigCheck} refuses one beyond loopback without a token.
 */
public class ManagementHostDefault implements ConfigSourceFactory {

    public static final String HOST = "quarkus.management.host";
    private static final Pattern LOOPBACK = Pattern.compile("(?i)localhost|127(\\.\\d{1,3}){3}|::1|\\[::1]");

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        boolean reachable = !value(context.getValue("hub.management.token")).isBlank()
                || "true".equalsIgnoreCase(value(context.getValue("hub.management.open")).trim());
        return List.of(new PropertiesConfigSource(Map.of(HOST, reachable ? "0.0.0.0" : "127.0.0.1"),
                "feedback-hub management host default", 50));
    }

    /** Whether a host name or address (no port) is this machine's loopback interface. */
    public static boolean isLoopback(String host) {
        return host != null && LOOPBACK.matcher(host.trim()).matches();
    }

    private static String value(ConfigValue value) {
        return value == null || value.getValue() == null ? "" : value.getValue();
    }
}
