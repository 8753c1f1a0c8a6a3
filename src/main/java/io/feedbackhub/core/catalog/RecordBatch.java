package io.feedbackhub.core.catalog;

import java.util.List;

/** The records of one catalog message, all for one table, and how they go in (see {@link Catalog#TABLE_MODE}). */
public record RecordBatch(String table, Mode mode, List<CatalogRecord> records) {

    public enum Mode {
        APPEND, REPLACE, APPEND_ON_SUCCESS;

        static Mode parse(String header) {
            return switch (header) {
                case "append" -> APPEND;
                case "replace" -> REPLACE;
                case "append-on-success" -> APPEND_ON_SUCCESS;
                default -> throw new IllegalArgumentException(
                        "catalog: header " + Catalog.TABLE_MODE + " must be append, replace or append-on-success, not " + header);
            };
        }
    }

    public boolean replace() {
        return mode == Mode.REPLACE;
    }

    /** Whether the records wait for the run to succeed (replace and append-on-success). */
    public boolean deferred() {
        return mode != Mode.APPEND;
    }
}
