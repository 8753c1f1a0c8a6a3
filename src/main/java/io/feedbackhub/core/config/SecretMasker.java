package io.feedbackhub.core.config;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.Config;

/**
 * Masks the values of secret {@code hub.*} properties (passwords, secrets, tokens, keys) wherever
 * the hub shows text that may have picked one up, such as an error message from an outside API.
 */
@ApplicationScoped
public class SecretMasker {

    static final String MASK = "****";
    private static final List<String> SECRET_WORDS = List.of("password", "passphrase", "secret", "token", "key", "credential");
    /** Shorter values are too likely to occur by chance to be replaced everywhere. */
    private static final int MIN_LENGTH = 4;

    @Inject
    Config config;

    private List<String> secrets = List.of();

    @PostConstruct
    void collect() {
        secrets = secretValues(config);
    }

    /** The values to hide, longest first so that a secret containing another is masked whole. */
    static List<String> secretValues(Config config) {
        return StreamSupport.stream(config.getPropertyNames().spliterator(), false)
                .filter(SecretMasker::isSecret)
                .flatMap(name -> config.getOptionalValue(name, String.class).stream())
                // a list of keys (hub.segment.write-keys) is masked whole and key by key
                .flatMap(value -> Stream.concat(Stream.of(value), List.of(value.split(",")).stream()))
                .map(String::trim)
                .filter(value -> value.length() >= MIN_LENGTH)
                .flatMap(SecretMasker::spellings)
                .distinct()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList();
    }

    /**
     * A secret as it appears in text: as it is, and as an endpoint URI (URL-encoded) or an XML route
     * dump (escaped) spells it.
     */
    private static Stream<String> spellings(String secret) {
        String encoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
        String escaped = secret.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;").replace("'", "&apos;");
        return Stream.of(secret, encoded, encoded.replace("+", "%20"), escaped);
    }

    /** Whether a property, by its name in a file ({@code hub.x.api-token}) or the environment ({@code HUB_X_API_TOKEN}), is a secret. */
    public static boolean isSecret(String property) {
        String name = property.toLowerCase(Locale.ROOT).replace('_', '.');
        if (!name.startsWith("hub.")) {
            return false;
        }
        String last = name.substring(name.lastIndexOf('.') + 1);
        return SECRET_WORDS.stream().anyMatch(last::contains) && !last.endsWith("-file");
    }

    public String mask(String text) {
        return mask(text, secrets);
    }

    static String mask(String text, List<String> secrets) {
        if (text == null) {
            return null;
        }
        String masked = text;
        for (String secret : secrets) {
            masked = masked.replace(secret, MASK);
        }
        return masked;
    }
}
