package dev.kiln.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.engine.store.ClaimedTask;
import dev.kiln.engine.store.TaskStore;
import dev.kiln.engine.store.TaskStore.Attempt;
import dev.kiln.handlers.HandlerException;
import dev.kiln.handlers.ObjectMappers;
import dev.kiln.handlers.TaskContext;
import dev.kiln.handlers.TaskHandler;
import dev.kiln.handlers.WorkflowInput;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks: claims ready ones in one statement (enough to fill its free slots, plus a short
 * queue when tasks are quick; see {@link #holdTarget()}), runs at most KILN_WORKER_CONCURRENCY
 * handlers at once on a worker executor (never on the event loop), and records results in
 * batches, each fenced by the attempt number it ran. Also heartbeats its leases and rescues
 * expired ones.
 * All state below is touched only on this verticle's event loop.
 */
public final class WorkerVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(WorkerVerticle.class);
  private static final int RESCUE_BATCH = 1000;
  private static final int STACK_LINES = 12;
  static final double QUEUE_MILLIS = 20;
  static final int MAX_QUEUED = 64;
  /** Completion batches in flight at once while completions trickle in (see {@link #flush}). */
  static final int MAX_FLUSHES = 2;

  private final EngineContext ctx;
  private final int slots;
  private final BackgroundPriority priority;
  private final Duration lease;
  private final String workerId;
  private final String[] typesNeedingInput;
  private final ObjectMapper mapper = ObjectMappers.mapper();
  private final Timer.Builder taskDuration = Timer.builder("kiln.task.duration")
      .description("Time a task attempt's handler ran, by task type and outcome")
      .publishPercentileHistogram();
  private final DistributionSummary claimLatency;

  private TaskStore store;
  private WorkerExecutor executor;
  private final List<Long> timers = new ArrayList<>();

  /** Attempts whose handler is running (each holds a slot until its thread returns). */
  private final Map<Long, Running> running = new LinkedHashMap<>();
  /** Finished attempts waiting to be written in the next batch. */
  private List<TaskStore.Completion> completions = new ArrayList<>();
  /** Workflows of the final tasks among them: the batch finalises those that are done. */
  private Set<Long> finishing = new LinkedHashSet<>();
  /** Whether a task among them has dependents, which its completion may have made ready. */
  private boolean batchMayUnblock;
  /** Task types no task depends on in any loaded spec (a workflow's last tasks). */
  private final Set<String> sinkTypes;
  /** Claimed (leased to us) but not started yet; see {@link #holdTarget()}. */
  private final java.util.ArrayDeque<ClaimedTask> queued = new java.util.ArrayDeque<>();
  /** Recent handler duration (exponentially weighted), which sizes the queue. */
  private double avgTaskMillis = 10;
  /** Claims on their way (on their own, or behind a completion batch) and the tasks they asked for. */
  private final List<Future<List<ClaimedTask>>> inFlightClaims = new ArrayList<>();
  private int reserved;
  private boolean claimAgain;
  /**
   * Whether ready tasks may be waiting that no wake-up will announce: the last claim came back full
   * (or failed). While completions trickle in, a finishing handler claims only then: the tasks it
   * makes ready are claimed behind its completion, and tasks made ready elsewhere come with a
   * notification.
   */
  private boolean moreMayBeReady = true;
  private int flushesInFlight;
  /** Whether work trickles in (there is little to batch, so statements go to latency instead). */
  private final LoadWindow load;
  private boolean stopping;
  private Promise<Void> drained;
  private final List<ClaimedTask> claimedWhileStopping = new ArrayList<>();

  private static final class Running {
    final ClaimedTask task;
    final long startNanos = System.nanoTime();
    long timeoutTimer = -1;
    boolean timedOut;

    Running(ClaimedTask task) {
      this.task = task;
    }
  }

  public WorkerVerticle(EngineContext ctx) {
    this.ctx = ctx;
    this.slots = ctx.config().workerConcurrency();
    this.load = new LoadWindow(slots, System.nanoTime());
    this.priority = new BackgroundPriority(ctx.config().backgroundNice());
    this.lease = ctx.config().lease();
    this.workerId = ctx.nodeId();
    this.claimLatency = DistributionSummary.builder("kiln.task.claim.latency")
        .description("Milliseconds a task was ready (dependencies done, backoff over) before a worker claimed it")
        .baseUnit("milliseconds")
        .publishPercentileHistogram()
        .register(ctx.metrics());
    Gauge.builder("kiln.worker.queued", queued, java.util.ArrayDeque::size)
        .description("Tasks this worker has claimed but not started (sized to keep its slots busy)")
        .tag("worker", ctx.nodeId())
        .register(ctx.metrics());
    Gauge.builder("kiln.worker.running", running, Map::size)
        .description("Task attempts this worker's handlers are running now")
        .tag("worker", ctx.nodeId())
        .register(ctx.metrics());
    this.sinkTypes = ctx.specs().all().stream().flatMap(spec -> spec.sinks().stream())
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
    this.typesNeedingInput = ctx.handlers().names().stream()
        .filter(name -> ctx.handlers().find(name).orElseThrow().needsInput())
        .toArray(String[]::new);
  }

  @Override
  public Future<?> start() {
    store = new TaskStore(ctx.pool());
    // One thread per slot: the slot count bounds concurrent handlers, the pool never queues.
    executor = vertx.createSharedWorkerExecutor("kiln-handlers-" + workerId, slots, 1, TimeUnit.HOURS);
    long leaseMs = lease.toMillis();
    timers.add(vertx.setPeriodic(ctx.config().pollInterval().toMillis(), id -> {
      claim();
      flush();
    }));
    timers.add(vertx.setPeriodic(Math.max(leaseMs / 3, 200), id -> heartbeat()));
    timers.add(vertx.setPeriodic(Math.max(leaseMs / 2, 500), id -> rescue()));
    return vertx.eventBus().<JsonObject>localConsumer(Wake.ADDRESS, msg -> {
      if (Wake.fromJson(msg.body()).worker()) {
        claim();
      }
    }).completion().onSuccess(v -> claim());
  }

  /** Graceful stop: claim nothing more, let running attempts finish within the grace period,
   * hand back the rest at once (not after a lease timeout), then write what finished. */
  @Override
  public Future<?> stop() {
    stopping = true;
    timers.forEach(vertx::cancelTimer);
    // A claim may be on its way back: its tasks are ours in the database, so wait for it and hand
    // them back with the rest rather than leave them to the lease.
    return Future.join(new ArrayList<>(inFlightClaims)).otherwiseEmpty()
        .compose(v -> {
          drained = Promise.promise();
          long graceMs = ctx.config().shutdownGrace().toMillis();
          if (running.isEmpty() || graceMs == 0) {
            drained.tryComplete();
          } else {
            vertx.setTimer(graceMs, id -> drained.tryComplete());
          }
          return drained.future();
        })
        .compose(v -> {
          List<Attempt> unfinished = new ArrayList<>();
          running.values().stream().filter(r -> !r.timedOut).forEach(r -> unfinished.add(Attempt.of(r.task)));
          claimedWhileStopping.forEach(t -> unfinished.add(Attempt.of(t)));
          queued.forEach(t -> unfinished.add(Attempt.of(t)));
          queued.clear();
          running.clear();
          if (!unfinished.isEmpty()) {
            log.info("worker {} handing back {} unfinished task(s)", workerId, unfinished.size());
          }
          return store.handBack(unfinished, workerId, ctx.clock().instant());
        })
        .compose(v -> writeAll())
        .eventually(() -> executor.close());
  }

  private Future<Void> writeAll() {
    if (completions.isEmpty()) {
      return Future.succeededFuture();
    }
    List<TaskStore.Completion> batch = completions;
    completions = new ArrayList<>();
    return store.completeMany(batch, ctx.clock().instant()).mapEmpty();
  }

  /**
   * How many tasks to hold (running plus claimed and waiting): the slots, plus enough queued to
   * keep them busy for about {@link #QUEUE_MILLIS} at the recent task duration. Short tasks are
   * claimed dozens per statement (one transaction instead of dozens); long ones one per free slot,
   * so a worker never sits on heavy work that an idle worker could take.
   */
  int holdTarget() {
    double perSlot = QUEUE_MILLIS / Math.max(avgTaskMillis, 0.05);
    return slots + (int) Math.min(MAX_QUEUED, Math.floor(slots * perSlot));
  }

  /** How many more tasks to ask for now, counting those that claims in flight asked for. */
  private int claimWant() {
    return room() - reserved;
  }

  /** How many more tasks the worker would hold, not counting claims in flight. */
  private int room() {
    if (stopping || running.size() >= slots && !queued.isEmpty()) {
      return 0;
    }
    return holdTarget() - running.size() - queued.size();
  }

  private void claim() {
    if (stopping) {
      return;
    }
    if (!inFlightClaims.isEmpty()) {
      claimAgain = true;
      return;
    }
    int want = claimWant();
    if (want <= 0) {
      return;
    }
    claimAgain = false;
    track(want, store.claim(ctx.clock().instant(), want, workerId, lease, typesNeedingInput), false);
  }

  /**
   * Takes in what a claim brings back; {@code want} tasks stay reserved for it until then.
   * {@code othersUnwoken}: the claim is behind a completion whose notification left its ready tasks
   * to it (V8), so if more may be ready than it took, the other workers are woken here.
   */
  private void track(int want, Future<List<ClaimedTask>> claim, boolean othersUnwoken) {
    inFlightClaims.add(claim);
    reserved += want;
    claim.onComplete(ar -> {
      inFlightClaims.remove(claim);
      reserved -= want;
      if (ar.succeeded() && stopping) {
        claimedWhileStopping.addAll(ar.result());
        return;
      }
      moreMayBeReady = ar.failed() || ar.result().size() == want;
      if (othersUnwoken && moreMayBeReady) {
        announce(true, new Long[0]);
      }
      if (ar.failed()) {
        log.warn("worker {}: claiming tasks failed (will retry on the next wake-up or poll): {}", workerId,
            ar.cause().toString());
        return;
      }
      List<ClaimedTask> tasks = ar.result();
      tasks.forEach(t -> claimLatency.record(t.waitedMillis()));
      load.claimed(tasks.size(), System.nanoTime());
      queued.addAll(tasks);
      startQueued();
      if (claimAgain || moreMayBeReady) {
        claim();
      }
    });
  }

  /** Starts queued tasks while slots are free: the slot count bounds running handlers. */
  private void startQueued() {
    while (running.size() < slots && !queued.isEmpty() && !stopping) {
      run(queued.poll());
    }
  }

  private void run(ClaimedTask task) {
    Running r = new Running(task);
    running.put(task.id(), r);
    if (task.timeoutSeconds() != null) {
      r.timeoutTimer = vertx.setTimer(task.timeoutSeconds() * 1000L, id -> timedOut(r));
    }
    executor.<Output>executeBlocking(() -> {
      priority.applyToCurrentThread();
      return execute(task);
    }, false).onComplete(ar -> {
      running.remove(task.id());
      vertx.cancelTimer(r.timeoutTimer);
      long end = System.nanoTime();
      load.completed(end);
      long nanos = end - r.startNanos;
      long millis = TimeUnit.NANOSECONDS.toMillis(nanos);
      avgTaskMillis = 0.8 * avgTaskMillis + 0.2 * (nanos / 1e6);
      taskDuration.tags("task_type", task.taskType(), "outcome", r.timedOut ? "timed_out" : ar.succeeded() ? "completed" : "failed")
          .register(ctx.metrics()).record(nanos, TimeUnit.NANOSECONDS);
      if (stopping && running.isEmpty() && drained != null) {
        drained.tryComplete();
      }
      if (r.timedOut) {
        log.info("task {} ({} of workflow {}) attempt {} returned after its timeout; result discarded",
            task.id(), task.taskType(), task.workflowId(), task.attempt());
      } else if (ar.succeeded()) {
        completions.add(new TaskStore.Completion(task.id(), task.attempt(), ar.result().json(), ar.result().verdict(), millis));
        if (sinkTypes.contains(task.taskType())) {
          finishing.add(task.workflowId());
        } else {
          batchMayUnblock = true;
        }
        flush();
      } else {
        failAttempt(task, ar.cause());
      }
      startQueued();
      if (moreMayBeReady || !load.trickling(System.nanoTime())) {
        claim();
      }
    });
  }

  /** A handler's output as JSON, and its top-level "verdict" if that is a string. */
  private record Output(String json, String verdict) {}

  /** Runs on a worker thread: parse what the handler needs, run it, serialise its output. */
  private Output execute(ClaimedTask task) throws Exception {
    TaskHandler handler = ctx.handlers().find(task.taskType())
        .orElseThrow(() -> new IllegalStateException("no handler for task type " + task.taskType()));
    WorkflowInput input = handler.needsInput() && task.input() != null ? task.input().get() : null;
    Map<String, JsonNode> upstream = new LinkedHashMap<>();
    if (task.upstreamJson() != null) {
      JsonNode node = mapper.readTree(task.upstreamJson());
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        upstream.put(e.getKey(), e.getValue());
      }
    }
    JsonNode params = task.paramsJson() == null ? JsonNodeFactory.instance.objectNode() : mapper.readTree(task.paramsJson());
    ObjectNode output = handler.handle(new TaskContext(task.taskType(), input, upstream, params));
    JsonNode verdict = output == null ? null : output.get("verdict");
    return new Output(mapper.writeValueAsString(output), verdict != null && verdict.isTextual() ? verdict.asText() : null);
  }

  private void timedOut(Running r) {
    r.timedOut = true;
    ClaimedTask t = r.task;
    failAttempt(t, new java.util.concurrent.TimeoutException("timed out after " + t.timeoutSeconds() + " s"));
  }

  private void failAttempt(ClaimedTask task, Throwable cause) {
    Instant now = ctx.clock().instant();
    Instant retryAt = Backoff.nextRunAt(now, task.attempt());
    String error = describe(cause);
    store.fail(task.id(), task.attempt(), error, error + stackExcerpt(cause), now, retryAt)
        .onSuccess(status -> {
          if (status == null) {
            log.info("task {} ({} of workflow {}) attempt {} failed but was no longer ours: {}", task.id(),
                task.taskType(), task.workflowId(), task.attempt(), error);
          } else {
            log.warn("task {} ({} of workflow {}) attempt {}/{} failed ({}): {}", task.id(), task.taskType(),
                task.workflowId(), task.attempt(), task.maxAttempts(),
                status.equals("failed") ? "no attempts left" : "retry at " + retryAt, error);
            if (status.equals("pending")) {
              // The failure's notification woke the workers while the task was still backing off;
              // nothing announces the end of its backoff, so come back for it then rather than at
              // the next poll.
              vertx.setTimer(Math.max(1, Duration.between(now, retryAt).toMillis()), id -> claim());
            }
          }
        })
        .onFailure(err -> log.warn("task {} ({} of workflow {}) attempt {}: recording its failure failed: {}",
            task.id(), task.taskType(), task.workflowId(), task.attempt(), err.toString()));
  }

  static String describe(Throwable cause) {
    if (cause instanceof HandlerException || cause instanceof java.util.concurrent.TimeoutException) {
      return cause.getMessage();
    }
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private static String stackExcerpt(Throwable cause) {
    if (cause instanceof java.util.concurrent.TimeoutException) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    StackTraceElement[] stack = cause.getStackTrace();
    for (int i = 0; i < Math.min(stack.length, STACK_LINES); i++) {
      out.append("\n    at ").append(stack[i]);
    }
    if (stack.length > STACK_LINES) {
      out.append("\n    ... ").append(stack.length - STACK_LINES).append(" more");
    }
    return out.toString();
  }

  /**
   * Writes finished attempts in one statement; attempts finishing meanwhile go in the next batch.
   *
   * <p>While work trickles in (see {@link LoadWindow}), latency is what counts. A claim
   * goes right behind the batch on the same connection when there is room (see
   * {@link TaskStore#completeThenFinalizeAndClaim}) and picks up the tasks these completions made
   * ready; the finaliser goes with it for the workflows whose final task is in the batch, so a
   * finished workflow shows as finished without a trip through an orchestrator (which still
   * finalises whatever a worker does not: failures, two last tasks on two workers); and a second
   * batch may go while one is in flight, so two tasks finishing together need not wait in line.
   * The batch's notification then leaves out the wake-ups these two make redundant (V8): other
   * workers are not sent to claim the tasks this claim takes, nor orchestrators to finalise these
   * workflows, unless the claim comes back full or either fails ({@link #announce}).
   * Under load, one batch goes at a time, the claim follows its answer, and finalising is left to
   * the orchestrators, which batch it across workflows: fewer, larger statements are what
   * throughput needs. (With these extras at every batch, a tiny-workflow run made 2 to 3 times
   * the statements and ran at 60 to 70 % of the speed.)
   */
  private void flush() {
    boolean trickling = load.trickling(System.nanoTime());
    if (completions.isEmpty() || flushesInFlight >= (trickling ? MAX_FLUSHES : 1)) {
      return;
    }
    flushesInFlight++;
    List<TaskStore.Completion> batch = completions;
    Long[] workflows = trickling ? finishing.toArray(Long[]::new) : new Long[0];
    completions = new ArrayList<>();
    finishing = new LinkedHashSet<>();
    boolean mayUnblock = batchMayUnblock;
    batchMayUnblock = false;
    // Final tasks make nothing ready: behind a batch of only those, a claim could find only tasks
    // made ready elsewhere, which come with a wake-up of their own. The claims in flight are not
    // counted here: while work trickles in they are claims behind other batches, which find a
    // task or two each. Counting the dozens each asked for left the second of two parallel tasks a
    // claim of one, which came back full for the one task it made ready, and so sent a needless
    // wake-up to every worker (below) and another claim.
    int want = trickling && (moreMayBeReady || mayUnblock) ? room() : 0;
    TaskStore.Flushed flushed = store.completeThenFinalizeAndClaim(batch, ctx.clock().instant(), workflows, want,
        workerId, lease, typesNeedingInput);
    if (want > 0) {
      track(want, flushed.claimed(), true);
    }
    flushed.finalized().onFailure(err -> {
      log.info("worker {}: finalising {} workflow(s) after their last task failed (an orchestrator will): {}",
          workerId, workflows.length, err.toString());
      announce(false, workflows);
    });
    // A completion retried after a deadlock has no claim behind it.
    boolean[] claimedBehind = {want > 0};
    flushed.completed()
        .recover(err -> {
          if (!isDeadlock(err)) {
            return Future.failedFuture(err);
          }
          claimedBehind[0] = false;
          return store.completeMany(batch, ctx.clock().instant());
        })
        .onComplete(ar -> {
          flushesInFlight--;
          if (ar.failed()) {
            // Keep them: the next flush retries; if our leases lapse meanwhile the fence refuses them.
            log.warn("worker {}: recording {} completed task(s) failed, will retry: {}", workerId, batch.size(),
                ar.cause().toString());
            completions.addAll(0, batch);
            finishing.addAll(List.of(workflows));
            batchMayUnblock |= mayUnblock;
            return;
          }
          if (ar.result().size() < batch.size()) {
            log.info("worker {}: {} result(s) discarded: their tasks were cancelled or taken over", workerId,
                batch.size() - ar.result().size());
          }
          flush();
          if (!ar.result().isEmpty() && !claimedBehind[0] && (mayUnblock || moreMayBeReady)) {
            // Completions may have made dependents ready and no claim followed them (under load,
            // or the worker was full): claim now rather than a notification round trip later.
            claim();
          }
        });
  }

  private void announce(boolean ready, Long[] finalizeWorkflows) {
    store.announce(ready, finalizeWorkflows).onFailure(err -> log.warn(
        "worker {}: waking the other roles failed (their poll will find the work): {}", workerId, err.toString()));
  }

  private static boolean isDeadlock(Throwable err) {
    return err instanceof io.vertx.pgclient.PgException pg && "40P01".equals(pg.getSqlState());
  }

  private void heartbeat() {
    List<Attempt> held = new ArrayList<>();
    running.values().stream().filter(r -> !r.timedOut).forEach(r -> held.add(Attempt.of(r.task)));
    completions.forEach(c -> held.add(new Attempt(c.taskId(), c.attempt())));
    queued.forEach(t -> held.add(Attempt.of(t)));
    store.heartbeat(held, workerId, ctx.clock().instant(), lease)
        .onFailure(err -> log.warn("worker {}: heartbeat failed: {}", workerId, err.toString()));
    flush();
  }

  private void rescue() {
    store.rescueExpired(ctx.clock().instant(), RESCUE_BATCH)
        .onSuccess(n -> {
          if (n > 0) {
            log.warn("rescued {} task(s) whose worker stopped heartbeating", n);
            claim();
          }
        })
        .onFailure(err -> log.warn("rescuing expired leases failed: {}", err.toString()));
  }

  public String workerId() {
    return workerId;
  }
}
