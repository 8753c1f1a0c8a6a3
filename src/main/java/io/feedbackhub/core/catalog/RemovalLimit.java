package io.feedbackhub.core.catalog;

/**
 * Puts a connector's replaced tables under the {@link RemovalGuard}. A CDI bean of the connector's
 * package provides it (its {@code ConnectorConfigCheck}, which validates the key, is a natural home).
 */
public interface RemovalLimit {

    /** The connector (route group) whose runs are guarded. */
    String connector();

    /**
     * {@code hub.<connector>.max-removal-percent}: the most of a table's rows a run may remove
     * (0-100) before it is held.
     */
    int maxRemovalPercent();
}
