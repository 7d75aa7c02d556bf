package dev.kiln.engine.testing;

import dev.kiln.engine.Engine;
import dev.kiln.engine.EngineContext;
import dev.kiln.engine.OrchestratorVerticle;
import dev.kiln.engine.Wake;
import dev.kiln.engine.WorkerVerticle;
import dev.kiln.engine.config.DatabaseUrl;
import dev.kiln.engine.config.KilnConfig;
import dev.kiln.engine.db.Pools;
import dev.kiln.engine.spec.WorkflowSpec;
import dev.kiln.engine.spec.WorkflowSpecs;
import dev.kiln.engine.store.StoredInput;
import dev.kiln.engine.store.WorkflowStore;
import dev.kiln.handlers.HandlerRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Runs the engine's verticles in-process against a fresh test database, with scripted handlers and
 * specs, and lets tests submit workflows and wait for conditions in the database.
 */
public final class EngineHarness implements AutoCloseable {
  public final Vertx vertx;
  public final Pool pool;
  public final DatabaseUrl url;
  public final Clock clock;
  public final KilnConfig config;
  public final HandlerRegistry handlers;
  public final WorkflowSpecs specs;
  public final io.micrometer.core.instrument.MeterRegistry metrics =
      new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
  private final List<String> deployments = new ArrayList<>();

  private EngineHarness(DatabaseUrl url, Clock clock, KilnConfig config, HandlerRegistry handlers, WorkflowSpecs specs) {
    this.vertx = Vertx.vertx();
    this.url = url;
    this.clock = clock;
    this.config = config;
    this.handlers = handlers;
    this.specs = specs;
    this.pool = Pools.create(vertx, url, "kiln-engine", 8, Pools.Workload.ENGINE);
  }

  /** A harness on a new database; {@code settings} are KILN_* variables on top of test defaults. */
  public static EngineHarness create(HandlerRegistry handlers, List<String> specJson, Clock clock, Map<String, String> settings) {
    Map<String, String> env = new HashMap<>(Map.of("KILN_POLL_INTERVAL", "5s", "KILN_WORKER_CONCURRENCY", "4"));
    env.putAll(settings);
    KilnConfig config = KilnConfig.parse(env, List.of());
    List<WorkflowSpec> parsed = new ArrayList<>();
    for (int i = 0; i < specJson.size(); i++) {
      parsed.add(WorkflowSpecs.parse("test-spec-" + i + ".json", specJson.get(i).getBytes(StandardCharsets.UTF_8), handlers));
    }
    return new EngineHarness(TestDatabase.create(), clock, config, handlers, new WorkflowSpecs(parsed));
  }

  public EngineContext context(String nodeId) {
    return new EngineContext(config, pool, specs, handlers, clock, nodeId, metrics);
  }

  /** Deploys notifications (if enabled) and the configured roles, as a process would. */
  public EngineHarness startEngine() {
    deployments.addAll(await(Engine.deploy(vertx, context("node-" + deployments.size()), url)));
    return this;
  }

  public String deployWorker(String nodeId) {
    String id = await(vertx.deployVerticle(new WorkerVerticle(context(nodeId))));
    deployments.add(id);
    return id;
  }

  public String deployOrchestrator(String nodeId) {
    String id = await(vertx.deployVerticle(new OrchestratorVerticle(context(nodeId))));
    deployments.add(id);
    return id;
  }

  public void undeploy(String deploymentId) {
    await(vertx.undeploy(deploymentId));
    deployments.remove(deploymentId);
  }

  /** Wakes every role of this process, as a notification would (for tests that step the clock). */
  public void wake() {
    Wake.everything().publish(vertx);
  }

  public long submit(String type, String inputJson) {
    return await(new WorkflowStore(pool).submit(type, StoredInput.compress(inputJson), clock.instant()));
  }

  /**
   * Submits a workflow, lets an orchestrator expand it into its {@code tasks} task rows, then stops
   * that orchestrator, so that nothing but the test's own calls (or roles it deploys) moves it on.
   */
  public long submitExpanded(String type, String inputJson, int tasks) {
    String orchestrator = deployOrchestrator("expander");
    long id = submit(type, inputJson);
    wake();
    awaitExpanded(id, tasks);
    undeploy(orchestrator);
    return id;
  }

  /**
   * Submits a workflow to roles that get no notifications (KILN_LISTEN=false): wakes them for the
   * orchestrator to expand it into its {@code tasks} task rows, then once more for workers to claim.
   */
  public long submitAndWake(String type, String inputJson, int tasks) {
    long id = submit(type, inputJson);
    wake();
    awaitExpanded(id, tasks);
    wake();
    return id;
  }

  private void awaitExpanded(long id, int tasks) {
    awaitValue(Duration.ofSeconds(20), "SELECT count(*) FROM tasks WHERE workflow_id = $1",
        v -> ((Number) v).longValue() == tasks, id);
  }

  public RowSet<Row> query(String sql, Object... params) {
    return await(pool.preparedQuery(sql).execute(Tuple.from(params)));
  }

  public long count(String sql, Object... params) {
    return query(sql, params).iterator().next().getLong(0);
  }

  public String workflowStatus(long id) {
    return query("SELECT status FROM workflows WHERE id = $1", id).iterator().next().getString(0);
  }

  /** Waits (bounded) until {@code condition} holds for the query's first column. */
  public void awaitValue(Duration timeout, String sql, Predicate<Object> condition, Object... params) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Object last = null;
    while (System.nanoTime() < deadline) {
      RowSet<Row> rows = query(sql, params);
      last = rows.size() == 0 ? null : rows.iterator().next().getValue(0);
      if (condition.test(last)) {
        return;
      }
      sleep(20);
    }
    throw new AssertionError("timed out after " + timeout + " waiting on: " + sql + " (last value " + last + ")");
  }

  public void awaitWorkflowStatus(long id, String status, Duration timeout) {
    awaitValue(timeout, "SELECT status FROM workflows WHERE id = $1", status::equals, id);
  }

  public void awaitAllWorkflows(String status, Duration timeout) {
    awaitValue(timeout, "SELECT count(*) FROM workflows WHERE status <> $1", v -> ((Number) v).longValue() == 0, status);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      vertx.close().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
