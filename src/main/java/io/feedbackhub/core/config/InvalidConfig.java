package io.feedbackhub.core.config;

import java.util.List;

/** The hub's configuration is wrong; the message has one line per problem, each naming its property. */
public class InvalidConfig extends RuntimeException {

    public InvalidConfig(List<String> problems) {
        // no stack trace: the lines say all an operator needs
        super("invalid configuration:\n  " + String.join("\n  ", problems), null, false, false);
    }
}
