package dev.kiln.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.engine.testing.EngineHarness;
import dev.kiln.engine.testing.Handlers;
import dev.kiln.engine.testing.Notifications;
import dev.kiln.handlers.HandlerRegistry;
import io.vertx.pgclient.PgException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A worker's completion batch with the finaliser and a claim pipelined behind it on one
 * connection: each statement sees what the one before committed, and each part stands alone.
 */
class CompleteThenFinalizeAndClaimTest {
  private static final String SPEC = """
      {"workflow_type": "fanout", "tasks": [
        {"task_type": "a"}, {"task_type": "b"}, {"task_type": "c", "depends_on": ["a"]}]}
      """;
  private static final Duration LEASE = Duration.ofMinutes(1);
  private static final String[] NO_INPUT = new String[0];

  /** No notifications and no poll: nothing but the test's own calls moves a workflow. */
  private static EngineHarness quiet() {
    HandlerRegistry reg = new HandlerRegistry(List.of(Handlers.constant("a"), Handlers.constant("b"),
        Handlers.constant("c")));
    return EngineHarness.create(reg, List.of(SPEC), Clock.systemUTC(),
        Map.of("KILN_LISTEN", "false", "KILN_POLL_INTERVAL", "1h"));
  }

  /** Expanded, with no orchestrator left: one would race the finaliser under test (both may
   * finish the workflow; the second finds nothing to do). */
  private static long submitAndExpand(EngineHarness h) {
    return h.submitExpanded("fanout", "{}", 3);
  }

  private static TaskStore.Completion done(ClaimedTask task, String output) {
    return new TaskStore.Completion(task.id(), task.attempt(), output, null, 1);
  }

  @Test
  void the_claim_gets_what_the_completion_made_ready_and_the_finaliser_finishes_the_workflow_once_done() {
    try (EngineHarness h = quiet()) {
      long id = submitAndExpand(h);
      TaskStore store = new TaskStore(h.pool);
      List<ClaimedTask> first = EngineHarness.await(store.claim(h.clock.instant(), 5, "w1", LEASE, NO_INPUT));
      assertThat(first).extracting(ClaimedTask::taskType).containsExactly("a", "b");

      TaskStore.Flushed flushed = store.completeThenFinalizeAndClaim(List.of(done(first.get(0), "{\"from\": \"a\"}")),
          h.clock.instant(), new Long[] {id}, 5, "w1", LEASE, NO_INPUT);
      assertThat(EngineHarness.await(flushed.completed())).containsExactly(first.get(0).id());
      assertThat(EngineHarness.await(flushed.finalized())).as("b is still running").isZero();
      List<ClaimedTask> next = EngineHarness.await(flushed.claimed());
      assertThat(next).extracting(ClaimedTask::taskType).containsExactly("c");
      assertThat(next.get(0).upstreamJson()).contains("\"from\": \"a\"");

      TaskStore.Flushed last = store.completeThenFinalizeAndClaim(
          List.of(done(first.get(1), "{}"), done(next.get(0), "{\"final\": true}")), h.clock.instant(),
          new Long[] {id}, 0, "w1", LEASE, NO_INPUT);
      assertThat(EngineHarness.await(last.completed())).hasSize(2);
      assertThat(EngineHarness.await(last.finalized())).isEqualTo(1);
      assertThat(EngineHarness.await(last.claimed())).as("a limit of 0 claims nothing").isEmpty();
      assertThat(h.workflowStatus(id)).isEqualTo("completed");
    }
  }

  @Test
  void with_nothing_to_finalise_and_no_room_to_claim_only_the_completion_runs() {
    try (EngineHarness h = quiet()) {
      long id = submitAndExpand(h);
      TaskStore store = new TaskStore(h.pool);
      List<ClaimedTask> first = EngineHarness.await(store.claim(h.clock.instant(), 1, "w1", LEASE, NO_INPUT));
      TaskStore.Flushed flushed = store.completeThenFinalizeAndClaim(List.of(done(first.get(0), "{}")),
          h.clock.instant(), new Long[0], 0, "w1", LEASE, NO_INPUT);
      assertThat(EngineHarness.await(flushed.completed())).containsExactly(first.get(0).id());
      assertThat(EngineHarness.await(flushed.finalized())).isZero();
      assertThat(EngineHarness.await(flushed.claimed())).isEmpty();
      // b and the c that a's completion made ready wait for whoever claims next.
      assertThat(h.count("SELECT count(*) FROM tasks WHERE workflow_id = $1 AND status = 'pending' AND deps_remaining = 0",
          id)).isEqualTo(2);
    }
  }

  @Test
  void a_completion_that_fails_leaves_the_claim_behind_it_standing() {
    try (EngineHarness h = quiet()) {
      long id = submitAndExpand(h);
      TaskStore store = new TaskStore(h.pool);
      List<ClaimedTask> first = EngineHarness.await(store.claim(h.clock.instant(), 1, "w1", LEASE, NO_INPUT));
      assertThat(first).extracting(ClaimedTask::taskType).containsExactly("a");

      // Output that is not JSON: PostgreSQL refuses the whole completion statement.
      TaskStore.Flushed flushed = store.completeThenFinalizeAndClaim(List.of(done(first.get(0), "{not json")),
          h.clock.instant(), new Long[] {id}, 5, "w1", LEASE, NO_INPUT);
      assertThatThrownBy(() -> flushed.completed().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS))
          .hasCauseInstanceOf(PgException.class);
      assertThat(EngineHarness.await(flushed.finalized())).isZero();
      // The claim still ran and its task is the worker's; c is not ready, a never completed.
      assertThat(EngineHarness.await(flushed.claimed())).extracting(ClaimedTask::taskType).containsExactly("b");
      assertThat(h.count("SELECT count(*) FROM tasks WHERE workflow_id = $1 AND status = 'running' AND locked_by = 'w1'",
          id)).isEqualTo(2);
    }
  }

  /** V8: what the worker does right behind the completion is left out of its wake-up. */
  @Test
  void the_completions_notification_leaves_out_the_claim_and_the_finalisation_that_follow_it() throws Exception {
    try (EngineHarness h = quiet(); Notifications listener = new Notifications(h.url)) {
      long id = submitAndExpand(h);
      TaskStore store = new TaskStore(h.pool);
      List<ClaimedTask> first = EngineHarness.await(store.claim(h.clock.instant(), 5, "w1", LEASE, NO_INPUT));
      listener.drain();

      // a's completion makes c ready, and the claim behind it takes c: no worker need wake for it.
      TaskStore.Flushed flushed = store.completeThenFinalizeAndClaim(List.of(done(first.get(0), "{}")),
          h.clock.instant(), new Long[0], 5, "w1", LEASE, NO_INPUT);
      List<ClaimedTask> next = EngineHarness.await(flushed.claimed());
      assertThat(next).extracting(ClaimedTask::taskType).containsExactly("c");
      List<String> signals = listener.drain();
      assertThat(signals).as("the history ids still go out, for live streams").hasSize(2)
          .allSatisfy(p -> assertThat(p).matches("\\d+::"));

      // The last two completions finish the workflow, and the finaliser behind them finalises it.
      TaskStore.Flushed last = store.completeThenFinalizeAndClaim(List.of(done(first.get(1), "{}"), done(next.get(0), "{}")),
          h.clock.instant(), new Long[] {id}, 5, "w1", LEASE, NO_INPUT);
      assertThat(EngineHarness.await(last.finalized())).isEqualTo(1);
      EngineHarness.await(last.claimed());
      assertThat(listener.drain()).isNotEmpty().allSatisfy(p -> assertThat(Notifications.flags(p)).isEmpty());
    }
  }

  @Test
  void a_completion_with_nothing_behind_it_wakes_workers_and_orchestrators_for_what_it_leaves() throws Exception {
    try (EngineHarness h = quiet(); Notifications listener = new Notifications(h.url)) {
      long id = submitAndExpand(h);
      long other = submitAndExpand(h);
      TaskStore store = new TaskStore(h.pool);
      List<ClaimedTask> first = EngineHarness.await(store.claim(h.clock.instant(), 5, "w1", LEASE, NO_INPUT));
      assertThat(first).hasSize(4);
      listener.drain();

      // Under load: the completion alone. c of both workflows became ready for whoever claims.
      EngineHarness.await(store.completeThenFinalizeAndClaim(List.of(done(first.get(0), "{}"), done(first.get(2), "{}")),
          h.clock.instant(), new Long[0], 0, "w1", LEASE, NO_INPUT).completed());
      assertThat(listener.drain()).singleElement().satisfies(p -> assertThat(Notifications.flags(p)).isEqualTo("t"));

      // Both workflows finish in one batch, but only the first is finalised behind it: the
      // orchestrators are woken for the other alone.
      List<ClaimedTask> cs = EngineHarness.await(store.claim(h.clock.instant(), 5, "w1", LEASE, NO_INPUT));
      listener.drain();
      TaskStore.Flushed both = store.completeThenFinalizeAndClaim(List.of(done(first.get(1), "{}"), done(first.get(3), "{}"),
          done(cs.get(0), "{}"), done(cs.get(1), "{}")), h.clock.instant(), new Long[] {id}, 0, "w1", LEASE, NO_INPUT);
      assertThat(EngineHarness.await(both.finalized())).isEqualTo(1);
      assertThat(listener.drain()).anySatisfy(p -> assertThat(p).endsWith(":w:" + other))
          .allSatisfy(p -> assertThat(Notifications.flags(p)).doesNotContain("t"));
      assertThat(h.workflowStatus(other)).as("left to the orchestrators").isEqualTo("running");
    }
  }

  @Test
  void announce_sends_the_wake_ups_a_worker_had_taken_over() throws Exception {
    try (EngineHarness h = quiet(); Notifications listener = new Notifications(h.url)) {
      TaskStore store = new TaskStore(h.pool);
      EngineHarness.await(store.announce(true, new Long[] {12L, 13L}));
      EngineHarness.await(store.announce(true, new Long[0]));
      EngineHarness.await(store.announce(false, new Long[] {14L}));
      EngineHarness.await(store.announce(false, new Long[0]));
      assertThat(listener.drain()).containsExactly(":tw:12,13", ":t:", ":w:14");
    }
  }
}
