package io.feedbackhub.core.run;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import io.feedbackhub.core.cluster.HubCluster;
import io.feedbackhub.core.connector.Connector;
import io.feedbackhub.core.connector.ConnectorRegistry;
import io.feedbackhub.core.kafka.KafkaTransactions;
import io.feedbackhub.core.state.SyncState;

/**
 * Starts connector runs and sees them through: one run per connector at a time, the run's
 * exchange sent to the connector's {@code direct:<name>-run} route, and then, only if that route
 * succeeded, the run's deferred work (table swaps, bookmarks) is done.
 *
 * <p>Scheduled runs call {@link #scheduled} from the connector's Quartz route; manual runs come
 * from the management API through {@link #start}.
 */
@ApplicationScoped
@Named("hubRuns")
public class ConnectorRuns {

    /**
     * Exchange properties every run exchange carries; the catalog, sync state and connectors read
     * them. Properties, not headers, because they survive enrichers and outside calls.
     */
    public static final String RUN_ID = "HubRunId";
    public static final String RUN_MODE = "HubRunMode";
    public static final String CONNECTOR = "HubConnector";
    /**
     * A manual run's extra query parameters ({@code Map<String, String>}, empty if none), for a
     * connector that takes options; the others ignore them.
     */
    public static final String OPTIONS = "HubRunOptions";
    /**
     * MDC keys of every log line written on a run's thread; Camel carries them to the threads its
     * routes hand the run's exchange to ({@code camel.main.mdc-logging-keys-pattern}).
     */
    public static final String MDC_CONNECTOR = "connector";
    public static final String MDC_RUN_ID = "runId";

    private static final Logger LOG = Logger.getLogger(ConnectorRuns.class);

    @Inject
    CamelContext camel;

    @Inject
    ConnectorRegistry registry;

    @Inject
    RunLog log;

    @Inject
    HubCluster cluster;

    @Inject
    KafkaTransactions transactions;

    @Inject
    SyncState state;

    private final Map<String, Run> running = new ConcurrentHashMap<>();
    /** Per connector: a run is claimed, or its bookmarks changed by hand, under it (see {@link #whileIdle}). */
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    /** Connectors whose scheduled full run waits for the run in progress. */
    private final java.util.Set<String> queuedFull = ConcurrentHashMap.newKeySet();
    private volatile ProducerTemplate producer;
    private volatile ExecutorService executor;

    /** Starts a run in the background and returns it at once. */
    public Run start(String connectorName, String modeText, String trigger) {
        return start(connectorName, modeText, trigger, Map.of());
    }

    /** Starts a run with options (see {@link #OPTIONS}) in the background and returns it at once. */
    public Run start(String connectorName, String modeText, String trigger, Map<String, String> options) {
        Connector connector = registry.find(connectorName)
                .orElseThrow(() -> new RunRejected(RunRejected.Reason.UNKNOWN_CONNECTOR, "no connector named " + connectorName));
        RunMode mode = RunMode.parse(modeText).orElseThrow(() -> new RunRejected(RunRejected.Reason.BAD_MODE,
                "mode must be incremental or full, not " + modeText));
        Run run = claim(connector, mode, trigger);
        try {
            Map<String, String> runOptions = Map.copyOf(options);
            executor().submit(() -> execute(run, connector, runOptions));
        } catch (RejectedExecutionException stopping) {
            finish(run, new IllegalStateException(RunLog.INTERRUPTED));
            throw new RunRejected(RunRejected.Reason.ALREADY_RUNNING, "the hub is stopping");
        }
        return run;
    }

    /**
     * Starts a scheduled run. A run still in progress is not an error for a schedule: an
     * incremental firing is skipped (the next one reads on from the bookmark), but a full one waits
     * for that run to end, since the next full sync may be a week away. One waits at most.
     */
    public void scheduled(String connectorName, String modeText) {
        try {
            Run run = start(connectorName, modeText, "schedule");
            LOG.debugf("scheduled run %s of %s started", run.id(), connectorName);
        } catch (RunRejected rejected) {
            if (rejected.reason() == RunRejected.Reason.PAUSED) {
                LOG.infof("skipping the scheduled %s run of %s: it is paused", modeText, connectorName);
                return;
            }
            if (rejected.reason() != RunRejected.Reason.ALREADY_RUNNING) {
                throw rejected;
            }
            Run current = running.get(connectorName);
            if (RunMode.parse(modeText).orElse(null) == RunMode.FULL && current != null && current.mode() != RunMode.FULL) {
                queuedFull.add(connectorName);
                LOG.infof("the scheduled full run of %s waits for run %s to end", connectorName, current.id());
                // the run may have ended meanwhile, with nobody left to start the queued one
                if (!running.containsKey(connectorName)) {
                    startQueued(connectorName);
                }
            } else {
                LOG.infof("skipping the scheduled %s run of %s: %s", modeText, connectorName, rejected.getMessage());
            }
        }
    }

    private void startQueued(String connectorName) {
        if (queuedFull.remove(connectorName) && !camel.isStopping() && !camel.isStopped()) {
            scheduled(connectorName, RunMode.FULL.label());
        }
    }

    public boolean isRunning(String connector) {
        return running.containsKey(connector);
    }

    /**
     * Pauses or resumes a connector: while paused its scheduled runs are skipped and manual ones
     * refused; a run in progress goes on. Kept in the sync state, so it holds across a restart and,
     * in a cluster, on every member.
     */
    public void pause(String connector, boolean paused) {
        state.setPaused(connector, paused);
    }

    public boolean paused(String connector) {
        return state.paused(connector);
    }

    /**
     * Makes a change (of a bookmark) that must not happen during a run of the connector: refused
     * while one runs, and no run starts until the change is done. In a cluster, only on the
     * connector's leader, as its runs are.
     */
    public <T> T whileIdle(String connector, Supplier<T> change) {
        synchronized (lock(connector)) {
            Run current = running.get(connector);
            if (current != null) {
                throw new RunRejected(RunRejected.Reason.ALREADY_RUNNING, connector + " is running (run " + current.id()
                        + "): its state can change only between runs");
            }
            checkLeader(connector);
            return change.get();
        }
    }

    private Object lock(String connector) {
        return locks.computeIfAbsent(connector, c -> new Object());
    }

    private void checkLeader(String connector) {
        if (!cluster.leads(connector)) {
            throw new RunRejected(RunRejected.Reason.NOT_LEADER, connector + " runs on its leader, "
                    + cluster.leaderOf(connector).map(leader -> "member " + leader).orElse("which is being elected")
                    + "; ask that member (GET /hub/cluster)");
        }
    }

    /** The run an exchange belongs to, if it is part of one. */
    public Optional<Run> runOf(Exchange exchange) {
        String id = exchange.getProperty(RUN_ID, String.class);
        String connector = exchange.getProperty(CONNECTOR, String.class);
        if (id == null || connector == null) {
            return Optional.empty();
        }
        Run run = running.get(connector);
        return run != null && run.id().equals(id) ? Optional.of(run) : Optional.empty();
    }

    /**
     * Does the run's deferred work (table swaps, held-back appends, bookmarks) now, as a step of its
     * route, rather than after the route. For a connector whose consumers finish when the route
     * ends (pollEnrich'd files moved to an archive): the files then move only once the run is
     * committed, and a crash in between leaves them to be read again. A failure here fails the route.
     */
    public void commit(Exchange exchange) {
        Run run = runOf(exchange).orElseThrow(() -> new IllegalStateException("commit outside of a connector run"));
        run.takeSuccessActions().forEach(Runnable::run);
    }

    /** Adds a note ({@link Run#note}) to the exchange's run; outside of a run it is only logged. */
    public void note(Exchange exchange, String note) {
        runOf(exchange).ifPresentOrElse(run -> run.note(note), () -> LOG.warn(note));
    }

    /** Counts one call to an outside system for the exchange's run (for the run log and metrics). */
    public void countRequest(Exchange exchange) {
        runOf(exchange).ifPresent(run -> run.countRequests(1));
    }

    private Run claim(Connector connector, RunMode mode, String trigger) {
        if (!connector.enabled()) {
            throw new RunRejected(RunRejected.Reason.DISABLED,
                    connector.name() + " is disabled (hub." + connector.name() + ".enabled=false)");
        }
        if (!connector.runnable()) {
            throw new RunRejected(RunRejected.Reason.NOT_RUNNABLE, connector.name() + " runs on events, not on demand");
        }
        checkLeader(connector.name());
        if (paused(connector.name())) {
            throw new RunRejected(RunRejected.Reason.PAUSED, connector.name() + " is paused: POST /hub/connectors/"
                    + connector.name() + "/resume to run it again");
        }
        Run run = new Run(UUID.randomUUID().toString(), connector.name(), mode, trigger, Instant.now(), cluster.self().orElse(null));
        Run existing;
        synchronized (lock(connector.name())) {
            existing = running.putIfAbsent(connector.name(), run);
        }
        if (existing != null) {
            throw new RunRejected(RunRejected.Reason.ALREADY_RUNNING,
                    connector.name() + " is already running (run " + existing.id() + ")");
        }
        log.started(run);
        return run;
    }

    private void execute(Run run, Connector connector, Map<String, String> options) {
        try {
            tagLog(run);
            executeLogged(run, connector, options);
        } finally {
            MDC.remove(MDC_CONNECTOR);
            MDC.remove(MDC_RUN_ID);
        }
    }

    private void executeLogged(Run run, Connector connector, Map<String, String> options) {
        Exception failure;
        try {
            failure = send(run, connector, options);
            if (failure == null && (camel.isStopping() || camel.isStopped())) {
                // a graceful stop can end a route's loops early without an error: never take that for a complete run
                failure = new IllegalStateException(RunLog.INTERRUPTED);
            }
            if (failure == null) {
                run.takeSuccessActions().forEach(Runnable::run);
                // in a cluster: what the success steps published and the bookmarks they set, as one
                transactions.commit(run.connector());
            }
        } catch (RuntimeException e) {
            failure = e;
        }
        finish(run, failure);
    }

    private Exception send(Run run, Connector connector, Map<String, String> options) {
        try {
            Exchange exchange = new DefaultExchange(camel);
            exchange.setProperty(RUN_ID, run.id());
            exchange.setProperty(RUN_MODE, run.mode().label());
            exchange.setProperty(CONNECTOR, run.connector());
            exchange.setProperty(OPTIONS, options);
            return producer().send(connector.runEndpoint(), exchange).getException();
        } finally {
            // Camel's MDC unit of work removes the keys it propagates once the exchange is done
            tagLog(run);
        }
    }

    private static void tagLog(Run run) {
        MDC.put(MDC_CONNECTOR, run.connector());
        MDC.put(MDC_RUN_ID, run.id());
    }

    private void finish(Run run, Exception failure) {
        if (failure != null) {
            if (transactions.enabled()) {
                transactions.abort(run.connector());
            }
            for (Runnable cleanUp : run.failureActions()) {
                try {
                    cleanUp.run();
                } catch (RuntimeException e) {
                    LOG.warnf("clean-up after the failed run %s: %s", run.id(), e.getMessage());
                }
            }
            run.finish(Run.Status.FAILED, describe(failure), causes(failure), Instant.now());
        } else {
            run.finish(Run.Status.SUCCEEDED, null, List.of(), Instant.now());
        }
        log.finished(run);
        running.remove(run.connector(), run);
        try {
            startQueued(run.connector());
        } catch (RuntimeException e) {
            LOG.warnf("the queued full run of %s did not start: %s", run.connector(), e.getMessage());
        }
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
    }

    /** The causes below a failure, outermost first, as {@code Type: message}; at most five. */
    private static List<String> causes(Throwable failure) {
        List<String> causes = new ArrayList<>();
        for (Throwable cause = failure.getCause(); cause != null && cause != failure && causes.size() < 5; cause = cause.getCause()) {
            causes.add(cause.getClass().getSimpleName() + ": " + describe(cause));
        }
        return causes;
    }

    private ProducerTemplate producer() {
        if (producer == null) {
            synchronized (this) {
                if (producer == null) {
                    producer = camel.createProducerTemplate();
                }
            }
        }
        return producer;
    }

    private ExecutorService executor() {
        if (executor == null) {
            synchronized (this) {
                if (executor == null) {
                    executor = camel.getExecutorServiceManager().newCachedThreadPool(this, "hub-run");
                }
            }
        }
        return executor;
    }

    @PreDestroy
    void stop() {
        if (executor != null) {
            camel.getExecutorServiceManager().shutdownGraceful(executor);
        }
    }
}
