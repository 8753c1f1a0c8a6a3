package io.feedbackhub.winningtemp;

import java.nio.file.Path;
import java.time.Instant;

/** A snapshot file fetched for a run: which entity, its name in the inbox, the local copy, when it was written. */
record PickedFile(Entity entity, String name, Path local, Instant modified) {
}
