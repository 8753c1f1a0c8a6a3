package io.feedbackhub.core.catalog;

/**
 * The catalog contract. Every connector sends its records to {@link #ENDPOINT} with these headers:
 * <ul>
 * <li>{@link #TABLE}: the table name (letters, digits, '_', '-', '.');</li>
 * <li>{@link #RECORD_KEY}: the record's source id, for a single record; or {@link #KEY_FIELD}: the
 * field holding the id (default {@code id}), which also works for a list of records;</li>
 * <li>{@link #TABLE_MODE}: {@code append} (default), {@code replace} or {@code append-on-success}.
 * Replace writes a new copy of the table that takes the old one's place only when the run succeeds;
 * a replace message with no body starts that copy without a record, so a full run that finds
 * nothing empties the table. Append-on-success keeps the records aside and appends them only when
 * the run succeeds, after the run's table swaps. With the Kafka sink both wait in a local file and
 * are sent when the run succeeds: a failed run publishes nothing.</li>
 * </ul>
 * The body is one record or a list of records (a collection or a JSON array): JSON objects as
 * maps, Jackson nodes, POJOs or JSON text. Each record gets {@code _synced_at}. The endpoint returns once the records are written
 * (file) or acknowledged by all in-sync replicas (Kafka), so a bookmark set after it is safe. It
 * retries nothing itself: a failed write goes to the caller's error handler, whose redelivery
 * policy (if any) tries it again.
 */
public final class Catalog {

    public static final String ENDPOINT = "direct:catalog";
    public static final String TABLE = "HubTable";
    public static final String RECORD_KEY = "HubRecordKey";
    public static final String KEY_FIELD = "HubKeyField";
    public static final String TABLE_MODE = "HubTableMode";
    public static final String SYNCED_AT = "_synced_at";

    private Catalog() {
    }
}
