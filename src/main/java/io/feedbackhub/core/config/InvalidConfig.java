package io.feedbackhub.core.config;

import java.util.List;
import java.util.Set;

import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * The hub's configuration is wrong; the message has one line per problem, each naming its
 * property. A Quarkus {@link ConfigurationException}, so Quarkus reports just the message.
 */
public class InvalidConfig extends ConfigurationException {

    public InvalidConfig(List<String> problems, Set<String> properties) {
        super("invalid configuration:\n  " + String.join("\n  ", problems), properties);
    }

    /** The lines say all an operator needs; a stack trace would only bury them. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
