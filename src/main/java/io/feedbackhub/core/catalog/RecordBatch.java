package io.feedbackhub.core.catalog;

import java.util.List;

/** The records of one catalog message, all for one table. */
public record RecordBatch(String table, boolean replace, List<CatalogRecord> records) {
}
