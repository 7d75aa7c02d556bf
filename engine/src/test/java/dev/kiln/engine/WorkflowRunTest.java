package dev.kiln.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.engine.testing.EngineHarness;
import dev.kiln.engine.testing.Handlers;
import dev.kiln.engine.testing.MutableClock;
import dev.kiln.handlers.HandlerRegistry;
import dev.kiln.handlers.SamplePayloads;
import dev.kiln.handlers.TaskContext;
import dev.kiln.handlers.WorkflowInput;
import io.vertx.sqlclient.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class WorkflowRunTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String DIAMOND = """
      {"workflow_type": "diamond", "tasks": [
        {"task_type": "a", "depends_on": []},
        {"task_type": "b", "depends_on": []},
        {"task_type": "c", "depends_on": ["a", "b"]},
        {"task_type": "d", "depends_on": ["c"]}]}
      """;

  /** Handlers for DIAMOND's four tasks that answer at once. */
  private static HandlerRegistry constantDiamond() {
    return new HandlerRegistry(List.of(Handlers.constant("a"), Handlers.constant("b"),
        Handlers.constant("c"), Handlers.constant("d")));
  }

  private static ObjectNode out(String key, Object value) {
    return JsonNodeFactory.instance.objectNode().put(key, String.valueOf(value));
  }

  @Test
  void the_manufacturing_workflow_completes_with_the_verdict_the_handlers_compute() throws Exception {
    HandlerRegistry builtIn = HandlerRegistry.builtIn();
    String spec = Files.readString(Path.of("../workflows/manufacturing_analysis.json"));
    try (EngineHarness h = EngineHarness.create(builtIn, List.of(spec), Clock.systemUTC(), Map.of()).startEngine()) {
      String input = SamplePayloads.realistic(42);
      long started = System.nanoTime();
      long id = h.submit("manufacturing_analysis", input);
      h.awaitWorkflowStatus(id, "completed", WAIT);
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      System.out.println("realistic workflow submit->completed: " + elapsedMs + " ms");

      // The same four handlers called directly, in DAG order, give the stored result.
      WorkflowInput parsed = WorkflowInput.parse(input);
      ObjectNode outliers = builtIn.find("detect_outliers").orElseThrow()
          .handle(new TaskContext("detect_outliers", parsed, Map.of(), JSON.readTree("{\"sigma\": 2}")));
      ObjectNode trends = builtIn.find("analyze_trends").orElseThrow()
          .handle(new TaskContext("analyze_trends", parsed, Map.of(), JSON.readTree("{\"slope_threshold\": 0.01}")));
      ObjectNode synthesis = builtIn.find("synthesize").orElseThrow().handle(new TaskContext("synthesize", null,
          Map.of("detect_outliers", outliers, "analyze_trends", trends), JsonNodeFactory.instance.objectNode()));
      ObjectNode verdict = builtIn.find("verdict").orElseThrow().handle(new TaskContext("verdict", null,
          Map.of("synthesize", synthesis), JsonNodeFactory.instance.objectNode()));

      String stored = h.query("SELECT result::text FROM workflows WHERE id = $1", id).iterator().next().getString(0);
      JsonNode storedResult = JSON.readTree(stored);
      assertThat(storedResult.get("verdict")).isEqualTo(verdict.get("verdict"));
      // The verdict the worker recorded beside the output, and the workflow's copy that lists show.
      Row verdicts = h.query("SELECT t.verdict, w.verdict FROM tasks t JOIN workflows w ON w.id = t.workflow_id"
          + " WHERE w.id = $1 AND t.task_type = 'verdict'", id).iterator().next();
      assertThat(verdicts.getString(0)).isEqualTo(verdict.get("verdict").asText());
      assertThat(verdicts.getString(1)).isEqualTo(verdict.get("verdict").asText());
      assertThat(storedResult.get("summary")).isEqualTo(verdict.get("summary"));
      // Whole-document equality, reported briefly (the documents are large). The result is the
      // verdict task's output as written (json, not jsonb), so even a rounded -0.0 stays -0.0.
      assertThat(storedResult.equals(verdict)).as("stored result equals the handlers' verdict output").isTrue();
      assertThat(verdict.get("verdict").asText()).isIn("PASS", "WARNING", "FAIL");
      assertThat(h.count("SELECT count(*) FROM tasks WHERE workflow_id = $1 AND status = 'completed' AND attempts = 1", id))
          .isEqualTo(4);
    }
  }

  @Test
  void tasks_run_in_dag_order() {
    Map<String, Long> started = new ConcurrentHashMap<>();
    Map<String, Long> finished = new ConcurrentHashMap<>();
    AtomicInteger clock = new AtomicInteger();
    List<dev.kiln.handlers.TaskHandler> list = new ArrayList<>();
    for (String name : List.of("a", "b", "c", "d")) {
      list.add(Handlers.of(name, ctx -> {
        started.put(name, (long) clock.incrementAndGet());
        finished.put(name, (long) clock.incrementAndGet());
        return out("upstream", new java.util.TreeSet<>(ctx.upstream().keySet()));
      }));
    }
    try (EngineHarness h = EngineHarness.create(new HandlerRegistry(list), List.of(DIAMOND), Clock.systemUTC(), Map.of())
        .startEngine()) {
      long id = h.submit("diamond", "{}");
      h.awaitWorkflowStatus(id, "completed", WAIT);
      assertThat(started.get("c")).isGreaterThan(finished.get("a")).isGreaterThan(finished.get("b"));
      assertThat(started.get("d")).isGreaterThan(finished.get("c"));
      // c saw both of its upstream outputs, d saw c's; the result is the final task's output.
      assertThat(h.query("SELECT output->>'upstream' FROM tasks WHERE workflow_id = $1 AND task_type = 'c'", id)
          .iterator().next().getString(0)).isEqualTo("[a, b]");
      assertThat(h.query("SELECT result->>'upstream' FROM workflows WHERE id = $1", id).iterator().next().getString(0))
          .isEqualTo("[c]");
    }
  }

  @Test
  void with_several_final_tasks_the_result_holds_each_ones_output_by_task_type() throws Exception {
    String twoSinks = """
        {"workflow_type": "two_sinks", "tasks": [
          {"task_type": "a"}, {"task_type": "b", "depends_on": ["a"]}, {"task_type": "c", "depends_on": ["a"]}]}
        """;
    HandlerRegistry reg = new HandlerRegistry(List.of(Handlers.constant("a"), Handlers.constant("b"),
        Handlers.constant("c")));
    try (EngineHarness h = EngineHarness.create(reg, List.of(twoSinks), Clock.systemUTC(), Map.of()).startEngine()) {
      long id = h.submit("two_sinks", "{}");
      h.awaitWorkflowStatus(id, "completed", WAIT);
      assertThat(JSON.readTree(h.query("SELECT result::text FROM workflows WHERE id = $1", id).iterator().next().getString(0)))
          .isEqualTo(JSON.readTree("{\"b\": {\"task\": \"b\"}, \"c\": {\"task\": \"c\"}}"));
      assertThat(h.query("SELECT verdict FROM workflows WHERE id = $1", id).iterator().next().getString(0))
          .as("no single final output, no verdict").isNull();
      // Expansion marked the final tasks from the spec (V7); the finaliser took the result from them.
      List<String> sinks = new ArrayList<>();
      h.query("SELECT task_type FROM tasks WHERE workflow_id = $1 AND sink ORDER BY task_type", id)
          .forEach(r -> sinks.add(r.getString(0)));
      assertThat(sinks).containsExactly("b", "c");
    }
  }

  @Test
  void outputs_are_stored_handed_on_and_returned_as_the_handler_wrote_them() throws Exception {
    String chain = """
        {"workflow_type": "chain", "tasks": [{"task_type": "a"}, {"task_type": "b", "depends_on": ["a"]}]}
        """;
    ObjectNode written = (ObjectNode) JSON.readTree("{\"p\": 1.43674E-300, \"z\": -0.0, \"big\": 1.0E300}");
    String writtenText = "{\"p\":1.43674E-300,\"z\":-0.0,\"big\":1.0E300}";
    Map<String, String> seenByB = new ConcurrentHashMap<>();
    HandlerRegistry reg = new HandlerRegistry(List.of(
        Handlers.of("a", ctx -> written),
        Handlers.of("b", ctx -> {
          seenByB.put("a", ctx.upstream().get("a").toString());
          return (ObjectNode) ctx.upstream().get("a");
        })));
    try (EngineHarness h = EngineHarness.create(reg, List.of(chain), Clock.systemUTC(), Map.of()).startEngine()) {
      long id = h.submit("chain", "{}");
      h.awaitWorkflowStatus(id, "completed", WAIT);
      // Not jsonb's reprint, which turned 1.43674E-300 into a decimal of 300 zeros and -0.0 into 0.
      assertThat(h.query("SELECT output::text FROM tasks WHERE workflow_id = $1 AND task_type = 'a'", id)
          .iterator().next().getString(0)).isEqualTo(writtenText);
      assertThat(seenByB.get("a")).isEqualTo(writtenText);
      assertThat(h.query("SELECT result::text FROM workflows WHERE id = $1", id).iterator().next().getString(0))
          .isEqualTo(writtenText);
    }
  }

  @Test
  void the_two_parallel_tasks_really_run_at_the_same_time() {
    CyclicBarrier bothInside = new CyclicBarrier(2);
    List<dev.kiln.handlers.TaskHandler> list = new ArrayList<>();
    for (String name : List.of("a", "b")) {
      list.add(Handlers.of(name, ctx -> {
        try {
          // Each waits for the other: this only passes if both run at once.
          bothInside.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new IllegalStateException("the other parallel task never started", e);
        }
        return out("ok", true);
      }));
    }
    list.add(Handlers.constant("c"));
    list.add(Handlers.constant("d"));
    try (EngineHarness h = EngineHarness.create(new HandlerRegistry(list), List.of(DIAMOND), Clock.systemUTC(),
        Map.of("KILN_WORKER_CONCURRENCY", "2")).startEngine()) {
      long id = h.submit("diamond", "{}");
      h.awaitWorkflowStatus(id, "completed", WAIT);
      assertThat(h.count("SELECT max(attempts) FROM tasks WHERE workflow_id = $1", id)).isEqualTo(1);
    }
  }

  @Test
  void a_retry_runs_when_its_backoff_ends_not_at_the_next_poll() {
    AtomicInteger calls = new AtomicInteger();
    HandlerRegistry reg = new HandlerRegistry(List.of(Handlers.of("flaky", ctx -> {
      if (calls.incrementAndGet() == 1) {
        throw new IllegalStateException("sensor bus glitch");
      }
      return out("ok", true);
    })));
    String spec = "{\"workflow_type\": \"flaky\", \"tasks\": [{\"task_type\": \"flaky\"}]}";
    // No notifications and a poll of an hour: after the wake-ups that start it, only the worker's
    // own timer can bring the task back when its 2-second backoff ends.
    try (EngineHarness h = EngineHarness.create(reg, List.of(spec), Clock.systemUTC(),
        Map.of("KILN_LISTEN", "false", "KILN_POLL_INTERVAL", "1h")).startEngine()) {
      long id = h.submitAndWake("flaky", "{}", 1);
      h.awaitValue(WAIT, "SELECT attempts || ':' || status FROM tasks WHERE workflow_id = $1", "1:pending"::equals, id);
      h.awaitWorkflowStatus(id, "completed", WAIT);
      assertThat(calls.get()).isEqualTo(2);
    }
  }

  @Test
  void a_task_failing_twice_then_succeeding_completes_after_backoffs_of_2_and_4_seconds() {
    AtomicInteger calls = new AtomicInteger();
    HandlerRegistry reg = new HandlerRegistry(List.of(Handlers.of("flaky", ctx -> {
      if (calls.incrementAndGet() <= 2) {
        throw new IllegalStateException("sensor bus glitch #" + calls.get());
      }
      return out("ok", true);
    })));
    String spec = "{\"workflow_type\": \"flaky\", \"tasks\": [{\"task_type\": \"flaky\"}]}";
    MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    try (EngineHarness h = EngineHarness.create(reg, List.of(spec), clock, Map.of()).startEngine()) {
      long id = h.submit("flaky", "{}");
      String attempts = "SELECT attempts || ':' || status FROM tasks WHERE workflow_id = $1";
      h.awaitValue(WAIT, attempts, "1:pending"::equals, id);
      assertThat(runAfter(h, id)).isEqualTo(clock.instant().plusSeconds(2));
      clock.advance(Duration.ofSeconds(1));
      h.wake();
      assertThat(h.count("SELECT attempts FROM tasks WHERE workflow_id = $1", id)).isEqualTo(1); // still backing off
      clock.advance(Duration.ofSeconds(1));
      h.wake();
      h.awaitValue(WAIT, attempts, "2:pending"::equals, id);
      assertThat(runAfter(h, id)).isEqualTo(clock.instant().plusSeconds(4));
      clock.advance(Duration.ofSeconds(4));
      h.wake();
      h.awaitWorkflowStatus(id, "completed", WAIT);
      assertThat(h.count("SELECT attempts FROM tasks WHERE workflow_id = $1", id)).isEqualTo(3);
      List<String> logs = new ArrayList<>();
      h.query("SELECT message FROM task_logs WHERE workflow_id = $1 AND level = 'ERROR' ORDER BY id", id)
          .forEach(r -> logs.add(r.getString(0)));
      assertThat(logs).hasSize(2);
      assertThat(logs.get(0)).startsWith("attempt 1 of 3 failed: IllegalStateException: sensor bus glitch #1")
          .contains("at dev.kiln.engine").endsWith("retry in 2 s");
      assertThat(logs.get(1)).startsWith("attempt 2 of 3 failed").endsWith("retry in 4 s");
      // The task's log reads in order: each attempt's start (from the history), what happened in it,
      // and the successful attempt's run time.
      String json = EngineHarness.await(new dev.kiln.engine.store.ReadStore(h.pool).logs(id, "flaky")).orElseThrow();
      List<String> lines = new io.vertx.core.json.JsonArray(json).stream()
          .map(o -> ((io.vertx.core.json.JsonObject) o).getString("message").lines().findFirst().orElseThrow())
          .toList();
      assertThat(lines).hasSize(6);
      assertThat(lines.get(0)).startsWith("attempt 1 of 3 started on ");
      assertThat(lines.get(1)).startsWith("attempt 1 of 3 failed: IllegalStateException: sensor bus glitch #1");
      assertThat(lines.get(2)).startsWith("attempt 2 of 3 started on ");
      assertThat(lines.get(3)).startsWith("attempt 2 of 3 failed: IllegalStateException: sensor bus glitch #2");
      assertThat(lines.get(4)).startsWith("attempt 3 of 3 started on ");
      assertThat(lines.get(5)).matches("attempt 3 completed in \\d+ ms");
    }
  }

  private static Instant runAfter(EngineHarness h, long workflowId) {
    Row r = h.query("SELECT run_after FROM tasks WHERE workflow_id = $1", workflowId).iterator().next();
    return r.getOffsetDateTime(0).toInstant();
  }

  @Test
  void a_task_that_always_fails_fails_the_workflow_after_max_attempts_and_cancels_the_rest() {
    HandlerRegistry reg = new HandlerRegistry(List.of(
        Handlers.of("a", ctx -> {
          throw new dev.kiln.handlers.HandlerException("a", "input.x", "a: input.x is broken");
        }),
        Handlers.constant("b"), Handlers.constant("c"), Handlers.constant("d")));
    String spec = DIAMOND.replace("{\"task_type\": \"a\", \"depends_on\": []}",
        "{\"task_type\": \"a\", \"depends_on\": [], \"max_attempts\": 2}");
    MutableClock clock = new MutableClock(Instant.now());
    try (EngineHarness h = EngineHarness.create(reg, List.of(spec), clock, Map.of()).startEngine()) {
      long id = h.submit("diamond", "{}");
      h.awaitValue(WAIT, "SELECT attempts FROM tasks WHERE workflow_id = $1 AND task_type = 'a' AND status = 'pending'",
          v -> v != null && ((Number) v).intValue() == 1, id);
      clock.advance(Duration.ofSeconds(2));
      h.wake();
      h.awaitWorkflowStatus(id, "failed", WAIT);
      Map<String, String> status = new HashMap<>();
      h.query("SELECT task_type, status FROM tasks WHERE workflow_id = $1", id)
          .forEach(r -> status.put(r.getString(0), r.getString(1)));
      assertThat(status).containsEntry("a", "failed").containsEntry("b", "completed")
          .containsEntry("c", "cancelled").containsEntry("d", "cancelled");
      assertThat(h.query("SELECT error FROM workflows WHERE id = $1", id).iterator().next().getString(0))
          .isEqualTo("a failed: a: input.x is broken");
      assertThat(h.count("SELECT attempts FROM tasks WHERE workflow_id = $1 AND task_type = 'a'", id)).isEqualTo(2);
    }
  }

  @Test
  void a_task_running_past_its_timeout_counts_as_a_failed_attempt() {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    HandlerRegistry reg = new HandlerRegistry(List.of(Handlers.of("slow", ctx -> {
      if (calls.incrementAndGet() == 1) {
        try {
          release.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return out("call", calls.get());
    })));
    String spec = "{\"workflow_type\": \"slow\", \"tasks\": [{\"task_type\": \"slow\", \"timeout_s\": 1}]}";
    MutableClock clock = new MutableClock(Instant.now());
    try (EngineHarness h = EngineHarness.create(reg, List.of(spec), clock, Map.of()).startEngine()) {
      long id = h.submit("slow", "{}");
      h.awaitValue(WAIT, "SELECT error FROM tasks WHERE workflow_id = $1", "timed out after 1 s"::equals, id);
      release.countDown(); // the first attempt returns late; its result must be discarded
      clock.advance(Duration.ofSeconds(2));
      h.wake();
      h.awaitWorkflowStatus(id, "completed", WAIT);
      assertThat(h.query("SELECT result->>'call' FROM workflows WHERE id = $1", id).iterator().next().getString(0))
          .isEqualTo("2");
      assertThat(h.count("SELECT attempts FROM tasks WHERE workflow_id = $1", id)).isEqualTo(2);
    }
  }

  @Test
  void work_completes_through_the_poll_when_notifications_are_off() {
    HandlerRegistry reg = constantDiamond();
    try (EngineHarness h = EngineHarness.create(reg, List.of(DIAMOND), Clock.systemUTC(),
        Map.of("KILN_LISTEN", "false", "KILN_POLL_INTERVAL", "100ms")).startEngine()) {
      long id = h.submit("diamond", "{}");
      h.awaitWorkflowStatus(id, "completed", WAIT);
    }
  }

  @Test
  void a_worker_claims_the_tasks_its_completions_made_ready_without_waiting_for_a_wake_up() {
    HandlerRegistry reg = constantDiamond();
    // No notifications and no poll within the test: after one wake-up, only the worker's own
    // claim after each recorded completion can move c and d.
    try (EngineHarness h = EngineHarness.create(reg, List.of(DIAMOND), Clock.systemUTC(),
        Map.of("KILN_LISTEN", "false", "KILN_POLL_INTERVAL", "1h")).startEngine()) {
      long id = h.submitAndWake("diamond", "{}", 4);
      h.awaitValue(WAIT, "SELECT count(*) FROM tasks WHERE workflow_id = $1 AND status = 'completed'",
          v -> ((Number) v).longValue() == 4, id);
    }
  }

  @Test
  void ready_tasks_the_completing_worker_has_no_room_for_wake_the_other_workers() throws Exception {
    // a, then b and c. Two workers run one task at a time each; a takes long enough that the worker
    // running it keeps no queue, so the claim behind a's completion asks for one task, takes b and
    // comes back full. a's notification left its ready tasks to that claim (V8): the worker must
    // wake the other one for c, or c would wait for b (the poll is an hour). b and c each wait for
    // the other to start, longer than the test waits for both.
    String fork = """
        {"workflow_type": "fork", "tasks": [
          {"task_type": "a"}, {"task_type": "b", "depends_on": ["a"]}, {"task_type": "c", "depends_on": ["a"]}]}
        """;
    CountDownLatch bothStarted = new CountDownLatch(2);
    HandlerRegistry reg = new HandlerRegistry(List.of(
        Handlers.of("a", ctx -> {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(300));
          return out("a", 1);
        }),
        Handlers.of("b", ctx -> meet(bothStarted)), Handlers.of("c", ctx -> meet(bothStarted))));
    try (EngineHarness h = EngineHarness.create(reg, List.of(fork), Clock.systemUTC(),
        Map.of("KILN_WORKER_CONCURRENCY", "1", "KILN_POLL_INTERVAL", "1h")).startEngine()) {
      h.deployWorker("second");
      long id = h.submit("fork", "{}");
      assertThat(bothStarted.await(10, TimeUnit.SECONDS)).as("b and c ran at once, on the two workers").isTrue();
      h.awaitWorkflowStatus(id, "completed", WAIT);
    }
  }

  private static ObjectNode meet(CountDownLatch others) {
    others.countDown();
    try {
      others.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return out("met", others.getCount() == 0);
  }

  @Test
  void the_worker_that_completes_a_workflows_last_task_finalises_it_without_an_orchestrator() {
    // No notifications, no poll: once the orchestrator has expanded the workflow and gone, only
    // the worker can finish it.
    try (EngineHarness h = EngineHarness.create(constantDiamond(), List.of(DIAMOND), Clock.systemUTC(),
        Map.of("KILN_LISTEN", "false", "KILN_POLL_INTERVAL", "1h"))) {
      long id = h.submitExpanded("diamond", "{}", 4);
      h.deployWorker("worker");
      h.wake();
      h.awaitWorkflowStatus(id, "completed", WAIT);
      assertThat(h.query("SELECT w.result::text = t.output::text FROM workflows w JOIN tasks t ON t.workflow_id = w.id "
          + "AND t.task_type = 'd' WHERE w.id = $1", id).iterator().next().getBoolean(0))
          .as("the result is the final task's output").isTrue();
    }
  }

  @Test
  void a_workflow_of_an_unknown_type_fails_with_a_message_instead_of_waiting_forever() {
    HandlerRegistry reg = constantDiamond();
    try (EngineHarness h = EngineHarness.create(reg, List.of(DIAMOND), Clock.systemUTC(), Map.of()).startEngine()) {
      long id = h.submit("triangle", "{}");
      h.awaitWorkflowStatus(id, "failed", WAIT);
      assertThat(h.query("SELECT error FROM workflows WHERE id = $1", id).iterator().next().getString(0))
          .isEqualTo("no workflow spec \"triangle\" is loaded by the orchestrator");
    }
  }

  @Test
  void cancelling_a_workflow_cancels_pending_tasks_and_discards_the_running_ones_results() {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    HandlerRegistry reg = new HandlerRegistry(List.of(
        Handlers.of("a", ctx -> {
          inside.countDown();
          try {
            release.await(20, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return out("late", true);
        }),
        Handlers.constant("b"), Handlers.constant("c"), Handlers.constant("d")));
    try (EngineHarness h = EngineHarness.create(reg, List.of(DIAMOND), Clock.systemUTC(), Map.of()).startEngine()) {
      long id = h.submit("diamond", "{}");
      try {
        assertThat(inside.await(20, TimeUnit.SECONDS)).isTrue();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      assertThat(EngineHarness.await(new dev.kiln.engine.store.WorkflowStore(h.pool)
          .cancel(id, "cancelled by request", h.clock.instant()))).isTrue();
      release.countDown();
      h.awaitValue(WAIT, "SELECT count(*) FROM task_history WHERE workflow_id = $1 AND to_status = 'running'",
          v -> ((Number) v).longValue() >= 2, id);
      assertThat(h.workflowStatus(id)).isEqualTo("cancelled");
      Map<String, String> status = new HashMap<>();
      h.query("SELECT task_type, status FROM tasks WHERE workflow_id = $1", id)
          .forEach(r -> status.put(r.getString(0), r.getString(1)));
      assertThat(status.get("a")).isEqualTo("cancelled");
      assertThat(status.get("c")).isEqualTo("cancelled");
      assertThat(status.get("d")).isEqualTo("cancelled");
      // Give the late result time to arrive through the executor and the batch writer, then check it was refused.
      h.awaitValue(WAIT, "SELECT count(*) FROM task_logs WHERE workflow_id = $1", v -> true, id);
      assertThat(h.count("SELECT count(*) FROM tasks WHERE workflow_id = $1 AND task_type = 'a' AND output IS NOT NULL", id))
          .isZero();
      // Cancelling twice, or an unknown workflow, reports that nothing was cancelled.
      assertThat(EngineHarness.await(new dev.kiln.engine.store.WorkflowStore(h.pool).cancel(id, "again", h.clock.instant())))
          .isFalse();
    }
  }

  @Test
  void every_status_change_lands_in_the_history_in_order() {
    HandlerRegistry reg = constantDiamond();
    try (EngineHarness h = EngineHarness.create(reg, List.of(DIAMOND), Clock.systemUTC(), Map.of()).startEngine()) {
      long id = h.submit("diamond", "{}");
      h.awaitWorkflowStatus(id, "completed", WAIT);
      List<String> d = new ArrayList<>();
      h.query("SELECT coalesce(task_type, '*') || ':' || coalesce(from_status, '') || '>' || to_status "
          + "FROM task_history WHERE workflow_id = $1 AND (task_type IS NULL OR task_type = 'd') ORDER BY id", id)
          .forEach(r -> d.add(r.getString(0)));
      assertThat(d).containsExactly("*:>pending", "*:pending>running", "d:>pending", "d:pending>running",
          "d:running>completed", "*:running>completed");
      assertThat(h.count("SELECT count(*) FROM task_history WHERE workflow_id = $1", id)).isEqualTo(2 + 4 * 3 + 1);
    }
  }
}
