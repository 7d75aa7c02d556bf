package dev.kiln.api.cluster;

import static dev.kiln.engine.testing.TestDatabase.queryLong;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.engine.config.DatabaseUrl;
import dev.kiln.engine.testing.TestDatabase;
import dev.kiln.handlers.SamplePayloads;
import java.net.http.HttpClient;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real Kiln processes on one PostgreSQL, with processes killed and stopped under load. The
 * guarantees: every accepted workflow completes; every task's result is recorded once.
 */
class FaultInjectionTest {
  private static final Duration WAIT = Duration.ofMinutes(4);
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<KilnProcess> processes = new ArrayList<>();

  @AfterEach
  void stopAll() {
    processes.forEach(KilnProcess::close);
  }

  private KilnProcess start(DatabaseUrl db, String roles, Map<String, String> settings) {
    KilnProcess p = KilnProcess.start(db, roles, settings);
    processes.add(p);
    return p;
  }


  private static void awaitCount(DatabaseUrl db, String sql, long expected, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long last = -1;
    while (System.nanoTime() < deadline) {
      last = queryLong(db, sql);
      if (last == expected) {
        return;
      }
      KilnProcess.sleep(100);
    }
    throw new AssertionError("timed out waiting for " + expected + " from: " + sql + " (last " + last + ")");
  }

  /** Submits n workflows through the API process with a few concurrent clients; returns the ids. */
  private List<Long> submit(KilnProcess api, int n, String body) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Long>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        futures.add(pool.submit(() -> api.submit(http, body)));
      }
      List<Long> ids = new ArrayList<>();
      for (Future<Long> f : futures) {
        ids.add(f.get());
      }
      return ids;
    } finally {
      pool.shutdown();
    }
  }

  /** History ids from the dashboard's first event on that it did not receive (the first 20). */
  private static List<Long> missing(DatabaseUrl db, List<Long> seen) {
    java.util.Set<Long> got = new java.util.HashSet<>(seen);
    return TestDatabase.queryLongs(db, "SELECT id FROM task_history WHERE id >= " + seen.get(0) + " ORDER BY id")
        .stream().filter(id -> !got.contains(id)).limit(20).toList();
  }

  /** Each task's result was recorded exactly once: one running->completed transition per task. */
  private static void assertEveryResultRecordedOnce(DatabaseUrl db) {
    assertThat(queryLong(db, "SELECT count(*) FROM (SELECT task_id FROM task_history WHERE to_status = 'completed' "
        + "AND task_id IS NOT NULL GROUP BY task_id HAVING count(*) > 1) twice")).isZero();
    assertThat(queryLong(db, "SELECT count(*) FROM tasks WHERE status <> 'completed' OR output IS NULL")).isZero();
  }

  @Test
  void killing_a_worker_process_with_sigkill_loses_nothing_and_its_tasks_are_rescued_within_two_leases() throws Exception {
    DatabaseUrl db = TestDatabase.create();
    Map<String, String> fast = Map.of("KILN_LEASE", "3s");
    KilnProcess api = start(db, "api", fast);
    start(db, "orchestrator,worker", fast);
    KilnProcess doomed = start(db, "worker", fast);

    // A dashboard watching every workflow through the api process, while other processes work.
    SseCollector dashboard = new SseCollector(http, api.uri("/events"));
    String realistic = SamplePayloads.realistic(7);
    ExecutorService submitter = Executors.newSingleThreadExecutor();
    Future<List<Long>> submitted = submitter.submit(() -> submit(api, 300, realistic));
    // Kill it while it holds tasks (submissions keep coming meanwhile).
    awaitCount(db, "SELECT least(count(*), 1) FROM tasks WHERE status = 'running' AND locked_by LIKE '"
        + doomed.lockPrefix() + "%'", 1, WAIT);
    doomed.kill();
    Instant killedAt = Instant.now();
    List<Long> ids = submitted.get();
    submitter.shutdown();

    awaitCount(db, "SELECT count(*) FROM workflows WHERE status = 'completed'", ids.size(), WAIT);
    assertThat(queryLong(db, "SELECT count(*) FROM workflows")).isEqualTo(300);
    assertEveryResultRecordedOnce(db);
    // The dashboard saw every workflow finish, events in order, none twice, none missing.
    dashboard.awaitTerminal(ids.size(), WAIT);
    dashboard.close();
    assertThat(dashboard.ids()).isSorted().doesNotHaveDuplicates();
    assertThat((long) dashboard.ids().size()).isEqualTo(queryLong(db, "SELECT count(*) FROM task_history WHERE id >= "
        + dashboard.ids().get(0)));
    // The dead worker's attempts were handed on by the rescuer, each within twice the lease.
    long rescued = queryLong(db, "SELECT count(*) FROM task_history WHERE from_status = 'running' AND to_status = 'pending' "
        + "AND detail LIKE '%lease of worker " + doomed.lockPrefix() + "%'");
    assertThat(rescued).isPositive();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        ResultSet rs = c.createStatement().executeQuery("SELECT max(created_at) FROM task_history WHERE "
            + "to_status = 'pending' AND detail LIKE '%lease of worker " + doomed.lockPrefix() + "%'")) {
      rs.next();
      Timestamp last = rs.getTimestamp(1);
      assertThat(Duration.between(killedAt, last.toInstant())).isLessThanOrEqualTo(Duration.ofSeconds(6));
    }
  }

  @Test
  void stopping_every_process_with_5000_workflows_queued_and_starting_again_completes_them_all() throws Exception {
    DatabaseUrl db = TestDatabase.create();
    KilnProcess api = start(db, "api", Map.of());
    List<Long> ids = submit(api, 5000, SamplePayloads.tiny());
    assertThat(queryLong(db, "SELECT count(*) FROM workflows WHERE status = 'pending'")).isEqualTo(5000);
    api.terminate();

    // Work starts, then every process stops in the middle of it. A dashboard watches throughout,
    // reconnecting with Last-Event-ID to whichever api process is up.
    KilnProcess first = start(db, "api,orchestrator,worker", Map.of());
    SseCollector dashboard = new SseCollector(http, first.uri("/events"));
    awaitCount(db, "SELECT least(count(*), 1) FROM workflows WHERE status = 'completed'", 1, WAIT);
    first.terminate();
    long doneBefore = queryLong(db, "SELECT count(*) FROM workflows WHERE status = 'completed'");
    assertThat(queryLong(db, "SELECT count(*) FROM tasks WHERE status = 'running'"))
        .as("a stopped worker leaves nothing running").isZero();

    KilnProcess second = start(db, "api,orchestrator,worker", Map.of());
    dashboard.reconnect(second.uri("/events"));
    start(db, "worker", Map.of());
    awaitCount(db, "SELECT count(*) FROM workflows WHERE status = 'completed'", ids.size(), WAIT);
    assertThat(doneBefore).isLessThanOrEqualTo(ids.size());
    assertEveryResultRecordedOnce(db);
    // Across the restart the dashboard got every event once, in order, none missing.
    dashboard.awaitTerminal((int) (ids.size() - queryLong(db, "SELECT count(*) FROM task_history WHERE task_id IS NULL "
        + "AND to_status = 'completed' AND id < " + dashboard.ids().get(0))), WAIT);
    dashboard.close();
    List<Long> seen = dashboard.ids();
    assertThat(seen).isSorted().doesNotHaveDuplicates();
    assertThat(missing(db, seen)).as("history rows the dashboard never got (reconnected after %s)", dashboard.resumedAfter())
        .isEmpty();
  }

  @Test
  void sigterm_hands_a_running_task_back_at_once_instead_of_waiting_for_its_lease() throws Exception {
    DatabaseUrl db = TestDatabase.create();
    // A long lease: only an explicit hand-back (or finishing) can free the task quickly.
    Map<String, String> settings = Map.of("KILN_LEASE", "10m", "KILN_SHUTDOWN_GRACE", "0s");
    KilnProcess api = start(db, "api,orchestrator", settings);
    KilnProcess worker = start(db, "worker", settings);
    String large = SamplePayloads.large(3);
    AtomicInteger submitted = new AtomicInteger();
    long id = submit(api, 1, large).get(0);
    submitted.incrementAndGet();
    awaitCount(db, "SELECT least(count(*), 1) FROM tasks WHERE status = 'running' AND locked_by LIKE '"
        + worker.lockPrefix() + "%'", 1, WAIT);
    worker.terminate();
    // Gone, and holding nothing: every task it had is finished or back to pending.
    assertThat(queryLong(db, "SELECT count(*) FROM tasks WHERE status = 'running' AND locked_by LIKE '"
        + worker.lockPrefix() + "%'")).isZero();
    start(db, "worker", settings);
    awaitCount(db, "SELECT count(*) FROM workflows WHERE status = 'completed' AND id = " + id, 1, WAIT);
    assertEveryResultRecordedOnce(db);
    assertThat(worker.output()).contains("Kiln stopped");
  }
}
