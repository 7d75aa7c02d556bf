package dev.kiln.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.kiln.engine.store.ClaimedTask;
import dev.kiln.engine.store.TaskStore;
import dev.kiln.engine.testing.EngineHarness;
import dev.kiln.engine.testing.Handlers;
import dev.kiln.engine.testing.MutableClock;
import dev.kiln.handlers.HandlerRegistry;
import dev.kiln.handlers.TaskHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConcurrencyTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String DIAMOND = """
      {"workflow_type": "diamond", "tasks": [
        {"task_type": "a", "depends_on": []},
        {"task_type": "b", "depends_on": []},
        {"task_type": "c", "depends_on": ["a", "b"]},
        {"task_type": "d", "depends_on": ["c"]}]}
      """;

  private static HandlerRegistry diamondHandlers() {
    List<TaskHandler> list = new ArrayList<>();
    for (String name : List.of("a", "b", "c", "d")) {
      list.add(Handlers.constant(name));
    }
    return new HandlerRegistry(list);
  }

  @Test
  void two_workers_racing_over_1000_tasks_never_run_the_same_attempt_twice() {
    try (EngineHarness h = EngineHarness.create(diamondHandlers(), List.of(DIAMOND), Clock.systemUTC(),
        Map.of("KILN_ROLES", "orchestrator"))) {
      h.startEngine();
      h.deployWorker("worker-1");
      h.deployWorker("worker-2");
      for (int i = 0; i < 250; i++) {
        h.submit("diamond", "{}");
      }
      h.awaitAllWorkflows("completed", WAIT);
      assertThat(h.count("SELECT count(*) FROM tasks WHERE status = 'completed'")).isEqualTo(1000);
      // Every task ran exactly one attempt: a second claim of the same attempt would show up as
      // attempts > 1 or as a second start of the same attempt in the history.
      assertThat(h.count("SELECT max(attempts) FROM tasks")).isEqualTo(1);
      assertThat(h.count("SELECT count(*) FROM (SELECT task_id, attempt FROM task_history WHERE task_id IS NOT NULL "
          + "AND to_status = 'running' GROUP BY 1, 2 HAVING count(*) > 1) dup")).isZero();
      assertThat(h.count("SELECT count(*) FROM task_history WHERE task_id IS NOT NULL AND to_status = 'running'"))
          .isEqualTo(1000);
      // Both workers took part.
      assertThat(h.count("SELECT count(DISTINCT detail) FROM task_history WHERE task_id IS NOT NULL AND to_status = 'running'"))
          .isEqualTo(2);
    }
  }

  @Test
  void two_orchestrators_never_create_tasks_twice() {
    HandlerRegistry reg = diamondHandlers();
    try (EngineHarness h = EngineHarness.create(reg, List.of(DIAMOND), Clock.systemUTC(), Map.of("KILN_ROLES", "worker"))) {
      h.startEngine();
      h.deployOrchestrator("orchestrator-1");
      h.deployOrchestrator("orchestrator-2");
      for (int i = 0; i < 300; i++) {
        h.submit("diamond", "{}");
      }
      h.awaitAllWorkflows("completed", WAIT);
      assertThat(h.count("SELECT count(*) FROM tasks")).isEqualTo(300 * 4);
      // Each workflow was expanded once and finalised once.
      assertThat(h.count("SELECT count(*) FROM task_history WHERE task_id IS NULL AND to_status = 'running'")).isEqualTo(300);
      assertThat(h.count("SELECT count(*) FROM task_history WHERE task_id IS NULL AND to_status = 'completed'")).isEqualTo(300);
      assertThat(h.count("SELECT count(*) FROM workflows WHERE result->>'task' = 'd'")).isEqualTo(300);
    }
  }

  @Test
  void an_expired_lease_is_run_exactly_once_more_and_the_old_attempts_late_result_is_rejected() {
    HandlerRegistry reg = new HandlerRegistry(List.of(Handlers.of("only", ctx ->
        JsonNodeFactory.instance.objectNode().put("by", "rescuer"))));
    String spec = "{\"workflow_type\": \"single\", \"tasks\": [{\"task_type\": \"only\"}]}";
    MutableClock clock = new MutableClock(Instant.now());
    try (EngineHarness h = EngineHarness.create(reg, List.of(spec), clock,
        Map.of("KILN_ROLES", "orchestrator", "KILN_LEASE", "5s"))) {
      h.startEngine();
      long id = h.submit("single", "{}");
      h.awaitValue(WAIT, "SELECT count(*) FROM tasks WHERE workflow_id = $1", v -> ((Number) v).longValue() == 1, id);
      // A worker that will die: it claims the task and never heartbeats.
      TaskStore store = new TaskStore(h.pool);
      List<ClaimedTask> claimed = EngineHarness.await(store.claim(clock.instant(), 10, "doomed-worker",
          Duration.ofSeconds(5), new String[0]));
      assertThat(claimed).hasSize(1);
      ClaimedTask first = claimed.get(0);
      assertThat(first.attempt()).isEqualTo(1);

      // Its lease expires; a live worker rescues the task and runs attempt 2.
      clock.advance(Duration.ofSeconds(6));
      h.deployWorker("live-worker");
      h.awaitWorkflowStatus(id, "completed", WAIT);
      assertThat(h.count("SELECT attempts FROM tasks WHERE workflow_id = $1", id)).isEqualTo(2);
      assertThat(h.count("SELECT count(*) FROM task_history WHERE workflow_id = $1 AND from_status = 'running' "
          + "AND to_status = 'pending'", id)).isEqualTo(1);

      // The dead worker comes back with attempt 1's result: fenced off, nothing changes.
      List<Long> accepted = EngineHarness.await(store.completeMany(
          List.of(new TaskStore.Completion(first.id(), 1, "{\"by\": \"zombie\"}", null, 1)), clock.instant()));
      assertThat(accepted).isEmpty();
      assertThat(h.query("SELECT output->>'by' FROM tasks WHERE id = $1", first.id()).iterator().next().getString(0))
          .isEqualTo("rescuer");
      String failed = EngineHarness.await(store.fail(first.id(), 1, "zombie error", "zombie error", clock.instant(),
          clock.instant()));
      assertThat(failed).isNull();
      assertThat(h.workflowStatus(id)).isEqualTo("completed");
    }
  }

  @Test
  void a_stopping_worker_hands_its_running_task_back_at_once() throws Exception {
    java.util.concurrent.CountDownLatch inside = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    HandlerRegistry reg = new HandlerRegistry(List.of(Handlers.of("only", ctx -> {
      if (calls.incrementAndGet() == 1) {
        inside.countDown();
        try {
          release.await(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return JsonNodeFactory.instance.objectNode().put("call", calls.get());
    })));
    String spec = "{\"workflow_type\": \"single\", \"tasks\": [{\"task_type\": \"only\", \"max_attempts\": 1}]}";
    try (EngineHarness h = EngineHarness.create(reg, List.of(spec), Clock.systemUTC(),
        Map.of("KILN_ROLES", "orchestrator", "KILN_SHUTDOWN_GRACE", "200ms"))) {
      h.startEngine();
      String worker = h.deployWorker("stopping-worker");
      long id = h.submit("single", "{}");
      assertThat(inside.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      h.undeploy(worker);
      // Handed back at once: pending again, lease cleared, and its only attempt not used up.
      assertThat(h.query("SELECT status || ':' || coalesce(locked_by, '-') || ':' || max_attempts FROM tasks "
          + "WHERE workflow_id = $1", id).iterator().next().getString(0)).isEqualTo("pending:-:2");
      release.countDown();
      h.deployWorker("next-worker");
      h.awaitWorkflowStatus(id, "completed", WAIT);
      assertThat(h.count("SELECT attempts FROM tasks WHERE workflow_id = $1", id)).isEqualTo(2);
    }
  }

  @Test
  void a_worker_never_runs_more_handlers_at_once_than_its_concurrency() {
    AtomicInteger now = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    List<TaskHandler> list = new ArrayList<>();
    for (String name : List.of("a", "b", "c", "d")) {
      list.add(Handlers.of(name, ctx -> {
        peak.accumulateAndGet(now.incrementAndGet(), Math::max);
        try {
          Thread.sleep(1);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        now.decrementAndGet();
        return JsonNodeFactory.instance.objectNode().put("task", name);
      }));
    }
    try (EngineHarness h = EngineHarness.create(new HandlerRegistry(list), List.of(DIAMOND), Clock.systemUTC(),
        Map.of("KILN_WORKER_CONCURRENCY", "3")).startEngine()) {
      for (int i = 0; i < 200; i++) {
        h.submit("diamond", "{}");
      }
      h.awaitAllWorkflows("completed", WAIT);
      assertThat(peak.get()).isEqualTo(3);
    }
  }
}
