package dev.kiln.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.testing.KilnServer;
import dev.kiln.engine.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EventStreamTest {
  private static KilnServer server;

  @BeforeAll
  static void start() {
    server = KilnServer.start(Map.of());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** One SSE connection read on its own thread; events arrive in a queue, END when the server closes. */
  static final class Stream implements AutoCloseable {
    static final JsonObject END = new JsonObject().put("end", true);
    final BlockingQueue<JsonObject> events = new ArrayBlockingQueue<>(10_000);
    final InputStream body;
    final int status;

    Stream(String path, String lastEventId) throws Exception {
      HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path)).header("Accept", "text/event-stream");
      if (lastEventId != null) {
        b.header("Last-Event-ID", lastEventId);
      }
      HttpResponse<InputStream> r = server.http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      status = r.statusCode();
      body = r.body();
      Thread reader = new Thread(this::read, "sse-reader");
      reader.setDaemon(true);
      reader.start();
    }

    private void read() {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
        String line;
        String id = null;
        String event = null;
        while ((line = in.readLine()) != null) {
          if (line.startsWith("id: ")) {
            id = line.substring(4);
          } else if (line.startsWith("event: ")) {
            event = line.substring(7);
          } else if (line.startsWith("data: ")) {
            JsonObject data = new JsonObject(line.substring(6));
            assertThat(String.valueOf(data.getLong("id"))).isEqualTo(id);
            assertThat(event).isEqualTo(data.getString("task_type") == null ? "workflow" : "task");
            events.add(data);
          }
        }
      } catch (Exception e) {
        // closed by the test
      }
      events.add(END);
    }

    JsonObject next() throws InterruptedException {
      JsonObject e = events.poll(20, TimeUnit.SECONDS);
      assertThat(e).as("an event within 20 s").isNotNull();
      return e;
    }

    List<JsonObject> untilEnd() throws InterruptedException {
      List<JsonObject> out = new ArrayList<>();
      for (JsonObject e = next(); e != END; e = next()) {
        out.add(e);
      }
      return out;
    }

    @Override
    public void close() throws Exception {
      body.close();
    }
  }

  private static String describe(JsonObject e) {
    return (e.getString("task_type") == null ? "*" : e.getString("task_type")) + ":" + e.getString("from") + ">" + e.getString("to");
  }

  @Test
  void a_client_receives_every_transition_of_a_workflow_in_order_then_the_stream_closes() throws Exception {
    long id = WorkflowApiTest.submit(server, WorkflowApiTest.EXAMPLE);
    List<JsonObject> events;
    try (Stream s = new Stream("/workflows/" + id + "/events", null)) {
      assertThat(s.status).isEqualTo(200);
      events = s.untilEnd();
    }
    List<String> seen = events.stream().map(EventStreamTest::describe).toList();
    assertThat(seen.get(0)).isEqualTo("*:null>pending");
    assertThat(seen.get(seen.size() - 1)).isEqualTo("*:running>completed");
    for (String task : List.of("detect_outliers", "analyze_trends", "synthesize", "verdict")) {
      assertThat(seen.stream().filter(x -> x.startsWith(task + ":")).toList())
          .containsExactly(task + ":null>pending", task + ":pending>running", task + ":running>completed");
    }
    assertThat(seen).hasSize(2 + 4 * 3 + 1);
    for (int i = 1; i < events.size(); i++) {
      assertThat(events.get(i).getLong("id")).isGreaterThan(events.get(i - 1).getLong("id"));
    }
    assertThat(seen.indexOf("synthesize:pending>running")).isGreaterThan(seen.indexOf("detect_outliers:running>completed"))
        .isGreaterThan(seen.indexOf("analyze_trends:running>completed"));
  }

  @Test
  void a_client_that_reconnects_with_last_event_id_misses_nothing_and_gets_nothing_twice() throws Exception {
    // A workflow whose task the test moves itself (backing off for an hour, so no worker takes it),
    // so events arrive live while the client is connected.
    TestDatabase.execute(server.database, """
        WITH w AS (INSERT INTO workflows (workflow_type, input, status, started_at)
                   VALUES ('manufacturing_analysis', '{}', 'running', now()) RETURNING id)
        INSERT INTO tasks (workflow_id, task_type, run_after) SELECT id, 'probe', now() + interval '1 hour' FROM w""");
    long id = new JsonObject(server.get("/workflows?limit=1&status=running").body())
        .getJsonArray("workflows").getJsonObject(0).getLong("workflow_id");
    String toggle = "UPDATE tasks SET status = CASE status WHEN 'pending' THEN 'cancelled' ELSE 'pending' END "
        + "WHERE workflow_id = " + id;
    List<JsonObject> received = new ArrayList<>();
    String lastId;
    try (Stream s = new Stream("/workflows/" + id + "/events", null)) {
      received.add(s.next()); // the workflow, inserted as running
      received.add(s.next()); // its task, pending
      for (int i = 0; i < 4; i++) {
        TestDatabase.execute(server.database, toggle);
      }
      for (int i = 0; i < 4; i++) {
        received.add(s.next());
      }
      lastId = String.valueOf(received.get(received.size() - 1).getLong("id"));
    }
    // While disconnected, more happens.
    TestDatabase.execute(server.database, toggle);
    try (Stream s = new Stream("/workflows/" + id + "/events", lastId)) {
      TestDatabase.execute(server.database, toggle);
      TestDatabase.execute(server.database, "UPDATE workflows SET status = 'failed', error = 'probe done', "
          + "finished_at = now() WHERE id = " + id);
      received.addAll(s.untilEnd());
    }
    List<String> seen = received.stream().map(EventStreamTest::describe).toList();
    assertThat(seen).containsExactly("*:null>running", "probe:null>pending",
        "probe:pending>cancelled", "probe:cancelled>pending", "probe:pending>cancelled", "probe:cancelled>pending",
        "probe:pending>cancelled", "probe:cancelled>pending", "*:running>failed");
    assertThat(received.stream().map(e -> e.getLong("id")).distinct().count()).isEqualTo(received.size());
    assertThat(received.get(received.size() - 1).getString("detail")).isEqualTo("probe done");
  }

  @Test
  void a_client_resuming_after_the_terminal_event_gets_an_empty_closed_stream() throws Exception {
    long id = WorkflowApiTest.submit(server, WorkflowApiTest.EXAMPLE);
    List<JsonObject> all;
    try (Stream s = new Stream("/workflows/" + id + "/events", null)) {
      all = s.untilEnd();
    }
    String last = String.valueOf(all.get(all.size() - 1).getLong("id"));
    try (Stream s = new Stream("/workflows/" + id + "/events", last)) {
      assertThat(s.untilEnd()).isEmpty();
    }
  }

  @Test
  void the_all_workflows_stream_carries_events_of_every_workflow() throws Exception {
    try (Stream s = new Stream("/events", null)) {
      long a = WorkflowApiTest.submit(server, WorkflowApiTest.EXAMPLE);
      long b = WorkflowApiTest.submit(server, WorkflowApiTest.EXAMPLE);
      List<Long> completed = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (completed.size() < 2 && System.nanoTime() < deadline) {
        JsonObject e = s.next();
        if (e.getString("task_type") == null && "completed".equals(e.getString("to"))) {
          completed.add(e.getLong("workflow_id"));
        }
      }
      assertThat(completed).containsExactlyInAnyOrder(a, b);
    }
  }

  @Test
  void a_retried_workflows_stream_stays_open_past_the_old_terminal_event_until_the_new_one() throws Exception {
    TestDatabase.execute(server.database, """
        INSERT INTO workflows (workflow_type, input, status, error, started_at, finished_at)
        VALUES ('manufacturing_analysis', '{}', 'failed', 'first try', now(), now())""");
    long id = new JsonObject(server.get("/workflows?limit=1&status=failed").body())
        .getJsonArray("workflows").getJsonObject(0).getLong("workflow_id");
    TestDatabase.execute(server.database, "UPDATE workflows SET status = 'running', error = NULL, finished_at = NULL "
        + "WHERE id = " + id); // as a retry does
    try (Stream s = new Stream("/workflows/" + id + "/events", null)) {
      assertThat(describe(s.next())).isEqualTo("*:null>failed");
      assertThat(describe(s.next())).isEqualTo("*:failed>running");
      TestDatabase.execute(server.database, "UPDATE workflows SET status = 'completed', result = '{}', "
          + "finished_at = now() WHERE id = " + id);
      assertThat(describe(s.next())).isEqualTo("*:running>completed");
      assertThat(s.next()).isSameAs(Stream.END);
    }
  }

  /** Two finished workflows whose status the test changes itself (no role touches them). */
  private static long[] twoIdleWorkflows() {
    for (int i = 0; i < 2; i++) {
      TestDatabase.execute(server.database, """
          INSERT INTO workflows (workflow_type, input, status, error, started_at, finished_at)
          VALUES ('manufacturing_analysis', '{}', 'failed', 'gap test', now(), now())""");
    }
    JsonArray two = new JsonObject(server.get("/workflows?limit=2&status=failed").body()).getJsonArray("workflows");
    return new long[] {two.getJsonObject(1).getLong("workflow_id"), two.getJsonObject(0).getLong("workflow_id")};
  }

  /**
   * Cancels {@code w[0]} in a transaction left open (taking history id N), then {@code w[1]} in one
   * that commits at once (taking N+1): the open transaction is returned, for the test to end.
   */
  private static Connection commitOutOfOrder(long[] w) throws java.sql.SQLException {
    Connection slow = DriverManager.getConnection(server.database.jdbcUrl(), server.database.user(),
        server.database.password());
    slow.setAutoCommit(false);
    slow.createStatement().execute("UPDATE workflows SET status = 'cancelled' WHERE id = " + w[0]);
    TestDatabase.execute(server.database, "UPDATE workflows SET status = 'cancelled' WHERE id = " + w[1]);
    return slow;
  }

  /**
   * /events after the newest history row so far. A stream opened "from now" starts where the
   * tailer has got to, which can be just before the idle workflows' own creation rows when their
   * notification has not been handled yet: those would then arrive first.
   */
  private static Stream allEventsAfterNewest() throws Exception {
    long newest = TestDatabase.queryLong(server.database, "SELECT coalesce(max(id), 0) FROM task_history");
    return new Stream("/events", String.valueOf(newest));
  }

  @Test
  void a_transition_that_commits_after_a_later_one_is_still_streamed_first() throws Exception {
    long[] w = twoIdleWorkflows();
    try (Stream s = allEventsAfterNewest(); Connection slow = commitOutOfOrder(w)) {
      assertThat(s.events.poll(1, TimeUnit.SECONDS)).as("N+1 is held back while N may still commit").isNull();
      slow.commit();
      JsonObject first = s.next();
      JsonObject second = s.next();
      assertThat(first.getLong("workflow_id")).isEqualTo(w[0]);
      assertThat(second.getLong("workflow_id")).isEqualTo(w[1]);
      assertThat(second.getLong("id")).isEqualTo(first.getLong("id") + 1);
    }
  }

  @Test
  void a_gap_left_by_a_rolled_back_transition_is_stepped_over() throws Exception {
    long[] w = twoIdleWorkflows();
    try (Stream s = allEventsAfterNewest(); Connection slow = commitOutOfOrder(w)) {
      slow.rollback();
      JsonObject next = s.next();
      assertThat(next.getLong("workflow_id")).isEqualTo(w[1]);
      assertThat(next.getString("to")).isEqualTo("cancelled");
    }
  }

  @Test
  void with_many_writers_committing_out_of_id_order_the_stream_misses_no_row_and_repeats_none() throws Exception {
    int writers = 6;
    List<Long> workflows = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      for (long w : twoIdleWorkflows()) {
        workflows.add(w);
      }
    }
    long before = TestDatabase.queryLong(server.database, "SELECT coalesce(max(id), 0) FROM task_history");
    List<Long> seen = new ArrayList<>();
    try (Stream s = new Stream("/events", String.valueOf(before))) {
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      List<java.util.concurrent.Future<?>> running = new ArrayList<>();
      for (int t = 0; t < writers; t++) {
        long[] mine = {workflows.get(2 * t), workflows.get(2 * t + 1)};
        running.add(pool.submit(() -> {
          try (Connection c = DriverManager.getConnection(server.database.jdbcUrl(), server.database.user(),
              server.database.password())) {
            c.setAutoCommit(false);
            java.util.Random random = new java.util.Random(mine[0]);
            for (int i = 0; i < 150; i++) {
              // Each transaction takes history ids, then holds them a little while others commit.
              c.createStatement().execute("UPDATE workflows SET status = CASE status WHEN 'failed' THEN 'cancelled' "
                  + "ELSE 'failed' END WHERE id IN (" + mine[0] + ", " + mine[1] + ")");
              Thread.sleep(random.nextInt(4));
              if (random.nextInt(10) == 0) {
                c.rollback();
              } else {
                c.commit();
              }
            }
          }
          return null;
        }));
      }
      for (java.util.concurrent.Future<?> f : running) {
        f.get();
      }
      pool.shutdown();
      long last = TestDatabase.queryLong(server.database, "SELECT max(id) FROM task_history");
      while (seen.isEmpty() || seen.get(seen.size() - 1) < last) {
        seen.add(s.next().getLong("id"));
      }
      List<Long> expected = TestDatabase.queryLongs(server.database,
          "SELECT id FROM task_history WHERE id > " + before + " ORDER BY id");
      assertThat(seen).isEqualTo(expected);
    }
  }

  @Test
  void live_streams_keep_flowing_while_requests_hold_every_api_connection() throws Exception {
    // Under load, submissions and reads can hold every connection of the API's pool. The reader of
    // task_history behind the streams has a connection of its own, so the streams must not stall.
    TestDatabase.execute(server.database, """
        INSERT INTO workflows (workflow_type, input, status, error, started_at, finished_at)
        VALUES ('manufacturing_analysis', '{}', 'failed', 'pool test', now(), now())""");
    long id = TestDatabase.queryLong(server.database, "SELECT max(id) FROM workflows WHERE error = 'pool test'");
    Pool api = server.kiln.pools().api();
    List<SqlConnection> held = new ArrayList<>();
    try {
      Future<SqlConnection> next = api.getConnection();
      while (true) {
        try {
          held.add(next.await(2, TimeUnit.SECONDS));
          next = api.getConnection();
        } catch (TimeoutException exhausted) {
          break;
        }
      }
      assertThat(held).as("the API pool's connections, all taken").hasSize(4);
      try (Stream s = allEventsAfterNewest()) {
        assertThat(s.status).isEqualTo(200);
        TestDatabase.execute(server.database, "UPDATE workflows SET status = 'cancelled' WHERE id = " + id);
        JsonObject e = s.next();
        assertThat(e.getLong("workflow_id")).isEqualTo(id);
        assertThat(describe(e)).isEqualTo("*:failed>cancelled");
      }
      next.onSuccess(SqlConnection::close); // the acquisition still waiting, once a connection frees
    } finally {
      held.forEach(SqlConnection::close);
    }
  }

  /** A number from /metrics in the Prometheus text format. */
  private static double metric(String name) {
    for (String line : server.get("/metrics").body().split("\n")) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1).trim());
      }
    }
    throw new AssertionError("no " + name + " in /metrics");
  }

  private static void awaitNoClients() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (metric("kiln_sse_clients") > 0) {
      assertThat(System.nanoTime()).as("streams of earlier tests closed within 20 s").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void with_no_client_connected_the_history_is_not_read_and_the_next_client_gets_only_new_events() throws Exception {
    awaitNoClients();
    // One more wake-up may still be on its way from an earlier test's last client; let it pass.
    long before = -1;
    for (long now = (long) metric("kiln_sse_history_reads_total"); now != before; now = (long) metric("kiln_sse_history_reads_total")) {
      before = now;
      Thread.sleep(200);
    }
    long unwatched = WorkflowApiTest.submit(server, WorkflowApiTest.EXAMPLE);
    WorkflowApiTest.awaitFinished(server, unwatched);
    assertThat((long) metric("kiln_sse_history_reads_total")).as("history reads with nobody listening").isEqualTo(before);

    try (Stream s = new Stream("/events", null)) {
      long watched = WorkflowApiTest.submit(server, WorkflowApiTest.EXAMPLE);
      JsonObject first = s.next();
      // Live from the moment it connected: nothing of the workflow that finished before.
      assertThat(first.getLong("workflow_id")).isEqualTo(watched);
      assertThat(describe(first)).isEqualTo("*:null>pending");
    }
    assertThat((long) metric("kiln_sse_history_reads_total")).isGreaterThan(before);
  }

  @Test
  void events_of_an_unknown_workflow_are_404() {
    assertThat(server.get("/workflows/987654/events").statusCode()).isEqualTo(404);
  }
}
