package dev.kiln.engine;

import dev.kiln.engine.store.WorkflowStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the {@code workflows} table: expands pending workflows into task rows from their spec and
 * finalises workflows whose tasks are done. Any number may run at once: row locks decide who does
 * what, never an election. Woken by notifications; a slow poll is the safety net.
 */
public final class OrchestratorVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(OrchestratorVerticle.class);
  static final int EXPAND_BATCH = 200;
  static final int FINALIZE_BATCH = 500;
  static final int PURGE_BATCH = 500;

  private final EngineContext ctx;
  private final String specRows;
  private WorkflowStore store;
  private final List<Long> timers = new java.util.ArrayList<>();

  private boolean expanding;
  private boolean expandAgain;
  private boolean finalizing;
  private boolean scanAllRunning;
  private boolean purging;
  private final Set<Long> toFinalize = new LinkedHashSet<>();

  public OrchestratorVerticle(EngineContext ctx) {
    this.ctx = ctx;
    this.specRows = ctx.specs().taskRowsJson();
  }

  @Override
  public Future<?> start() {
    store = new WorkflowStore(ctx.pool());
    timers.add(vertx.setPeriodic(ctx.config().pollInterval().toMillis(), id -> sweep()));
    ctx.config().retention().ifPresent(retention -> {
      long every = Math.min(Math.max(retention.toMillis() / 10, 1_000), 60_000);
      timers.add(vertx.setPeriodic(every, id -> purge()));
    });
    return vertx.eventBus().<JsonObject>localConsumer(Wake.ADDRESS, msg -> onWake(Wake.fromJson(msg.body())))
        .completion()
        .onSuccess(v -> sweep());
  }

  /** Looks at everything, not just what notifications named: at start and on every poll. */
  private void sweep() {
    scanAllRunning = true;
    expand();
    finalizeDone();
  }

  @Override
  public Future<?> stop() {
    timers.forEach(vertx::cancelTimer);
    return Future.succeededFuture();
  }

  private void onWake(Wake wake) {
    if (wake.pending()) {
      expand();
    }
    if (wake.orchestrator()) {
      if (wake.allWorkflows()) {
        scanAllRunning = true;
      }
      toFinalize.addAll(wake.workflowIds());
      finalizeDone();
    }
  }

  /** Expands pending workflows in batches until none is left; wake-ups meanwhile ask for one more pass. */
  private void expand() {
    if (expanding) {
      expandAgain = true;
      return;
    }
    expanding = true;
    expandAgain = false;
    store.expandPending(EXPAND_BATCH, specRows, ctx.clock().instant())
        .onComplete(ar -> {
          expanding = false;
          if (ar.failed()) {
            log.warn("expanding pending workflows failed (will retry on the next wake-up or poll): {}", ar.cause().toString());
            return;
          }
          WorkflowStore.Expanded e = ar.result();
          if (e.refused() > 0) {
            log.warn("{} workflow(s) failed: their workflow type has no loaded spec", e.refused());
          }
          if (expandAgain || e.total() == EXPAND_BATCH) {
            expand();
          }
        });
  }

  private void finalizeDone() {
    if (finalizing || (toFinalize.isEmpty() && !scanAllRunning)) {
      return;
    }
    finalizing = true;
    Future<Integer> work;
    if (!toFinalize.isEmpty()) {
      Long[] ids = toFinalize.stream().limit(FINALIZE_BATCH).toArray(Long[]::new);
      for (Long id : ids) {
        toFinalize.remove(id);
      }
      work = store.finalizeDone(ids, ctx.clock().instant());
    } else {
      scanAllRunning = false;
      work = scanRunning(0L, 0);
    }
    work.onComplete(ar -> {
      finalizing = false;
      if (ar.failed()) {
        log.warn("finalising workflows failed (retrying): {}", ar.cause().toString());
        scanAllRunning = true;
        vertx.setTimer(200, id -> finalizeDone());
        return;
      }
      finalizeDone();
    });
  }

  /** Walks every running workflow in id order, finalising those that are done (safety net). */
  private Future<Integer> scanRunning(long cursor, int finishedSoFar) {
    return store.runningAfter(cursor, FINALIZE_BATCH).compose(ids -> {
      if (ids.isEmpty()) {
        return Future.succeededFuture(finishedSoFar);
      }
      return store.finalizeDone(ids.toArray(Long[]::new), ctx.clock().instant())
          .compose(n -> ids.size() < FINALIZE_BATCH
              ? Future.succeededFuture(finishedSoFar + n)
              : scanRunning(ids.get(ids.size() - 1), finishedSoFar + n));
    });
  }

  /** Retention: deletes finished workflows older than KILN_RETENTION, a small batch at a time. */
  void purge() {
    if (purging || ctx.config().retention().isEmpty()) {
      return;
    }
    purging = true;
    purgeBatches(ctx.clock().instant().minus(ctx.config().retention().get()), 0)
        .onComplete(ar -> {
          purging = false;
          if (ar.failed()) {
            log.warn("retention: deleting old workflows failed (will retry): {}", ar.cause().toString());
          } else if (ar.result() > 0) {
            log.info("retention: deleted {} finished workflow(s) older than {}", ar.result(), ctx.config().retention().get());
          }
        });
  }

  private Future<Integer> purgeBatches(java.time.Instant cutoff, int deletedSoFar) {
    return store.purgeFinishedBefore(cutoff, PURGE_BATCH).compose(n -> {
      if (n < PURGE_BATCH) {
        return Future.succeededFuture(deletedSoFar + n);
      }
      // Let other work on this event loop and in the database breathe between batches.
      return vertx.timer(20).compose(v -> purgeBatches(cutoff, deletedSoFar + n));
    });
  }
}
