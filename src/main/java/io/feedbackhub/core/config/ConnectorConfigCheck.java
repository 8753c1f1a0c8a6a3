package io.feedbackhub.core.config;

/**
 * A connector's own configuration rules (required keys, formats), checked at start only when the
 * connector is enabled. A connector package provides one as a CDI bean.
 */
public interface ConnectorConfigCheck {

    /** The connector (route group) whose {@code hub.<connector>.*} keys this checks. */
    String connector();

    void check(ConfigProblems problems);
}
