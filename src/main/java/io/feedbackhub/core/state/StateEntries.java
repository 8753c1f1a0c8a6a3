package io.feedbackhub.core.state;

import java.util.Map;

/** A state repository that can list what it holds (Camel's {@code StateRepository} reads one key at a time). */
public interface StateEntries {

    /** A copy of every key and value. */
    Map<String, String> entries();
}
