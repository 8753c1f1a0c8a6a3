package io.feedbackhub.winningtemp;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Ordered;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.support.SynchronizationAdapter;
import org.jboss.logging.Logger;

/**
 * A snapshot file's move, as camel-ftp does it when the run ends: to archive/ when the run
 * succeeded, to error/ when it failed, except when the hub's stop cut the run short: that says
 * nothing about the file, which stays in the inbox for the next run. (A forced stop runs no more
 * route steps, only these completions, so the decision is made here.)
 */
final class LeftInInboxOnStop extends SynchronizationAdapter implements Ordered {

    private static final Logger LOG = Logger.getLogger(LeftInInboxOnStop.class);

    private final Synchronization move;
    private final CamelContext camel;
    private final String file;

    LeftInInboxOnStop(Synchronization move, CamelContext camel, String file) {
        this.move = move;
        this.camel = camel;
        this.file = file;
    }

    @Override
    public void onComplete(Exchange exchange) {
        move.onComplete(exchange);
    }

    @Override
    public void onFailure(Exchange exchange) {
        if (camel.isStopping() || camel.isStopped()) {
            LOG.warnf("winningtemp: the hub stopped during the run; %s stays in the inbox for the next run", file);
            return;
        }
        move.onFailure(exchange);
    }

    @Override
    public int getOrder() {
        return move instanceof Ordered ordered ? ordered.getOrder() : Ordered.LOWEST - 1;
    }
}
