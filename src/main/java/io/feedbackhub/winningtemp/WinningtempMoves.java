package io.feedbackhub.winningtemp;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.Ordered;
import org.apache.camel.spi.ExceptionHandler;
import org.apache.camel.support.SynchronizationAdapter;
import org.jboss.logging.Logger;

/**
 * The moves of the snapshot files to archive/ or error/, which camel-ftp does as the run's exchange
 * completes and, when one fails, only logs (its default on-completion exception handler). Here a
 * failed move is kept on the run's exchange, and the run's last completion step makes the run
 * fail with it: files left in the inbox are never a silent success.
 */
@ApplicationScoped
@Named(WinningtempMoves.NAME)
public class WinningtempMoves implements ExceptionHandler {

    static final String NAME = "winningtempMoves";
    private static final String FAILED = "winningtempMovesFailed";
    private static final Logger LOG = Logger.getLogger(WinningtempMoves.class);

    /** Adds the step that turns failed moves into the run's failure; it runs after camel-ftp's moves. */
    void watch(Exchange run) {
        run.setProperty(FAILED, new CopyOnWriteArrayList<String>());
        run.getExchangeExtension().addOnCompletion(new Verdict());
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        LOG.warnf("winningtemp: %s: %s", message, exception.getMessage());
        List<String> failed = exchange == null ? null : failed(exchange);
        if (failed != null) {
            // camel-ftp's messages are "Error during commit" (the move to archive/) and "... rollback" (to error/)
            String target = message != null && message.contains("commit") ? WinningtempSftp.ARCHIVE : WinningtempSftp.ERROR;
            failed.add("not moved to " + target + "/: " + exception.getMessage());
        }
    }

    @Override
    public void handleException(String message, Throwable exception) {
        handleException(message, null, exception);
    }

    @Override
    public void handleException(Throwable exception) {
        handleException(null, null, exception);
    }

    @SuppressWarnings("unchecked")
    private static List<String> failed(Exchange exchange) {
        return exchange.getProperty(FAILED, List.class);
    }

    /** Done last (the file moves are completions of the run's exchange too): the run fails if a move did. */
    private static final class Verdict extends SynchronizationAdapter implements Ordered {

        @Override
        public void onDone(Exchange exchange) {
            List<String> failed = failed(exchange);
            if (failed == null || failed.isEmpty()) {
                return;
            }
            String moves = "the files are still in the inbox, " + String.join("; ", failed.stream().distinct().toList());
            Exception before = exchange.getException();
            exchange.setException(before == null
                    ? new MoveFailed("the snapshot was applied, but " + moves + " (the next run archives them without changes)", null)
                    : new MoveFailed(before.getMessage() + "; " + moves, before));
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST;
        }
    }

    /** A run whose files could not leave the inbox. */
    static final class MoveFailed extends RuntimeException {

        MoveFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
