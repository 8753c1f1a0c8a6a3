package io.feedbackhub.core.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.eclipse.microprofile.config.Config;

/** Collects what is wrong with the configuration, one line per property, and reads values safely. */
public final class ConfigProblems {

    private final Config config;
    private final List<String> problems = new ArrayList<>();

    public ConfigProblems(Config config) {
        this.config = config;
    }

    public void add(String property, String problem) {
        problems.add(property + ": " + problem);
    }

    /** The value of a property that must be set (and not blank), or a problem saying it is missing. */
    public Optional<String> required(String property, String why) {
        Optional<String> value = config.getOptionalValue(property, String.class).filter(v -> !v.isBlank());
        if (value.isEmpty()) {
            add(property, "is required " + why);
        }
        return value;
    }

    public Optional<String> optional(String property) {
        return config.getOptionalValue(property, String.class).filter(v -> !v.isBlank());
    }

    public List<String> all() {
        return List.copyOf(problems);
    }
}
