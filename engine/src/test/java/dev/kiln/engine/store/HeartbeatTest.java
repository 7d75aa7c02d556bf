package dev.kiln.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.engine.store.TaskStore.Attempt;
import dev.kiln.engine.testing.EngineHarness;
import dev.kiln.engine.testing.Handlers;
import dev.kiln.handlers.HandlerRegistry;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A worker's heartbeat: it extends the leases it holds, and never waits for a row another transaction holds. */
class HeartbeatTest {
  private static final String SPEC = """
      {"workflow_type": "pair", "tasks": [{"task_type": "a"}, {"task_type": "b"}]}
      """;
  private static final Duration LEASE = Duration.ofMinutes(1);

  private static EngineHarness quiet() {
    HandlerRegistry reg = new HandlerRegistry(List.of(Handlers.constant("a"), Handlers.constant("b")));
    return EngineHarness.create(reg, List.of(SPEC), Clock.systemUTC(),
        Map.of("KILN_LISTEN", "false", "KILN_POLL_INTERVAL", "1h"));
  }

  /** Both tasks of a new workflow, claimed by worker w1. */
  private static List<ClaimedTask> claimBoth(EngineHarness h, TaskStore store) {
    h.submitExpanded("pair", "{}", 2);
    List<ClaimedTask> claimed = EngineHarness.await(store.claim(h.clock.instant(), 5, "w1", LEASE, new String[0]));
    assertThat(claimed).extracting(ClaimedTask::taskType).containsExactly("a", "b");
    return claimed;
  }

  private static long leaseEpochSecond(EngineHarness h, long taskId) {
    return h.count("SELECT extract(epoch FROM lease_expires_at)::bigint FROM tasks WHERE id = $1", taskId);
  }

  @Test
  void a_row_another_transaction_holds_is_skipped_and_gets_its_lease_at_the_next_beat() {
    try (EngineHarness h = quiet()) {
      TaskStore store = new TaskStore(h.pool);
      List<ClaimedTask> tasks = claimBoth(h, store);
      ClaimedTask a = tasks.get(0);
      ClaimedTask b = tasks.get(1);
      long aLease = leaseEpochSecond(h, a.id());
      List<Attempt> held = List.of(Attempt.of(a), Attempt.of(b));
      Instant later = Instant.now().truncatedTo(ChronoUnit.SECONDS).plus(Duration.ofHours(1));

      // Another transaction holds a's row, as a completion batch in flight does. The heartbeat used
      // to wait for it, and two such waits could close a cycle (deadlock detected).
      SqlConnection other = EngineHarness.await(h.pool.getConnection());
      Transaction tx = EngineHarness.await(other.begin());
      try {
        EngineHarness.await(other.preparedQuery("SELECT 1 FROM tasks WHERE id = $1 FOR UPDATE").execute(Tuple.of(a.id())));
        assertThat(EngineHarness.await(store.heartbeat(held, "w1", later, LEASE)))
            .as("extended while a is held elsewhere").isEqualTo(1);
        assertThat(leaseEpochSecond(h, b.id())).isEqualTo(later.plus(LEASE).getEpochSecond());
        assertThat(leaseEpochSecond(h, a.id())).as("a keeps the lease it had").isEqualTo(aLease);
      } finally {
        EngineHarness.await(tx.rollback());
        EngineHarness.await(other.close());
      }

      assertThat(EngineHarness.await(store.heartbeat(held, "w1", later, LEASE))).isEqualTo(2);
      assertThat(leaseEpochSecond(h, a.id())).isEqualTo(later.plus(LEASE).getEpochSecond());
    }
  }

  @Test
  void a_heartbeat_extends_only_the_attempts_this_worker_still_runs() {
    try (EngineHarness h = quiet()) {
      TaskStore store = new TaskStore(h.pool);
      List<ClaimedTask> tasks = claimBoth(h, store);
      Instant later = Instant.now().plus(Duration.ofHours(1));
      ClaimedTask a = tasks.get(0);
      assertThat(EngineHarness.await(store.heartbeat(List.of(Attempt.of(a)), "w2", later, LEASE)))
          .as("another worker's name").isZero();
      assertThat(EngineHarness.await(store.heartbeat(List.of(new Attempt(a.id(), a.attempt() + 1)), "w1", later, LEASE)))
          .as("another attempt").isZero();
      EngineHarness.await(store.completeMany(List.of(new TaskStore.Completion(a.id(), a.attempt(), "{}", null, 1)),
          h.clock.instant()));
      assertThat(EngineHarness.await(store.heartbeat(List.of(Attempt.of(a), Attempt.of(tasks.get(1))), "w1", later, LEASE)))
          .as("a completed, b still running").isEqualTo(1);
    }
  }
}
