package io.feedbackhub.core.catalog;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** One record bound for the catalog: its source id and its JSON. */
public record CatalogRecord(String key, ObjectNode json) {
}
