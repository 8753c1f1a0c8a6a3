package io.feedbackhub.core.metrics;

import java.time.Instant;

/** What a journal holds that is not delivered yet: its entries, and when the oldest of them arrived (null if none). */
public record JournalBacklog(long entries, Instant oldest) {

    public static final JournalBacklog EMPTY = new JournalBacklog(0, null);
}
