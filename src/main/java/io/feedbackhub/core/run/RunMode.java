package io.feedbackhub.core.run;

import java.util.Locale;
import java.util.Optional;

/** INCREMENTAL reads what changed since the bookmark; FULL re-reads everything and replaces tables. */
public enum RunMode {
    INCREMENTAL, FULL;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<RunMode> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        for (RunMode mode : values()) {
            if (mode.label().equalsIgnoreCase(text.trim())) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }
}
