package dev.kiln.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.testing.KilnServer;
import dev.kiln.engine.testing.TestDatabase;
import dev.kiln.handlers.SamplePayloads;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WorkflowApiTest {
  static final String EXAMPLE = """
      {"sensor_readings": [{"sensor_id": "temp_1", "values": [72.1, 73.4, 71.8, 99.2]}],
       "measurements": [{"part_id": "A100", "dimension": "width", "values": [10.01, 10.02, 9.98]}],
       "metadata": {}}""";
  private static KilnServer server;

  @BeforeAll
  static void start() {
    server = KilnServer.start(Map.of());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static long submit(KilnServer s, String body) {
    HttpResponse<String> r = s.postJson("/workflow", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return new JsonObject(r.body()).getLong("workflow_id");
  }

  static JsonObject awaitFinished(KilnServer s, long id) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      JsonObject status = new JsonObject(s.get("/status/" + id).body());
      if (Map.of("completed", 1, "failed", 1, "cancelled", 1).containsKey(status.getString("status"))) {
        return status;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("workflow " + id + " did not finish");
  }

  @Test
  void posting_the_plans_example_returns_a_workflow_id_and_a_location() {
    HttpResponse<String> r = server.postJson("/workflow", EXAMPLE);
    assertThat(r.statusCode()).isEqualTo(201);
    JsonObject body = new JsonObject(r.body());
    assertThat(body.fieldNames()).containsExactly("workflow_id");
    assertThat(r.headers().firstValue("Location")).contains("/status/" + body.getLong("workflow_id"));
  }

  @Test
  void status_and_results_follow_the_plans_shape_once_the_workflow_completes() {
    long id = submit(server, EXAMPLE);
    JsonObject status = awaitFinished(server, id);
    assertThat(status.getLong("workflow_id")).isEqualTo(id);
    assertThat(status.getString("status")).isEqualTo("completed");
    assertThat(status.getString("created_at")).isNotBlank();
    assertThat(status.getString("updated_at")).isNotBlank();
    JsonArray tasks = status.getJsonArray("tasks");
    assertThat(tasks).hasSize(4);
    for (Object t : tasks) {
      JsonObject task = (JsonObject) t;
      assertThat(task.getString("task_status")).isEqualTo("completed");
      assertThat(task.getInteger("attempts")).isEqualTo(1);
      assertThat(task.containsKey("error")).isTrue();
      assertThat(task.getString("task_type")).isIn("detect_outliers", "analyze_trends", "synthesize", "verdict");
    }
    HttpResponse<String> results = server.get("/results/" + id);
    assertThat(results.statusCode()).isEqualTo(200);
    JsonObject body = new JsonObject(results.body());
    assertThat(body.getLong("workflow_id")).isEqualTo(id);
    assertThat(body.getString("status")).isEqualTo("completed");
    JsonObject result = body.getJsonObject("result");
    // temp_1: mean 79.125, population std 11.2; 99.2 is 1.79 std away: no outlier, so no critical outliers.
    assertThat(result.getString("verdict")).isIn("PASS", "WARNING");
    assertThat(result.getString("summary")).startsWith("Outliers: ");
    assertThat(result.getJsonArray("trends")).isNotEmpty();
  }

  @Test
  void results_of_a_workflow_not_done_yet_are_404_not_ready() {
    // A workflow inserted directly, with no orchestrator able to pick it up before we ask.
    TestDatabase.execute(server.database, "INSERT INTO workflows (workflow_type, input, status) "
        + "VALUES ('manufacturing_analysis', '{}', 'running')");
    long id = newestWithStatus("running");
    HttpResponse<String> r = server.get("/results/" + id);
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("not_ready");
    assertThat(new JsonObject(r.body()).getString("status")).isEqualTo("running");
  }

  @Test
  void unknown_workflows_are_404_not_found() {
    for (String path : new String[] {"/status/999999", "/results/999999", "/workflows/999999/tasks/verdict/logs",
        "/workflows/999999/input"}) {
      HttpResponse<String> r = server.get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(404);
      assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("not_found");
    }
    assertThat(server.post("/workflows/999999/cancel", null, null).statusCode()).isEqualTo(404);
    assertThat(server.post("/workflows/999999/retry", null, null).statusCode()).isEqualTo(404);
  }

  @Test
  void the_list_is_newest_first_filterable_and_keyset_paginated() {
    long a = submit(server, EXAMPLE);
    long b = submit(server, EXAMPLE);
    long c = submit(server, EXAMPLE);
    awaitFinished(server, c);
    JsonObject page1 = new JsonObject(server.get("/workflows?limit=2").body());
    JsonArray items = page1.getJsonArray("workflows");
    assertThat(items).hasSize(2);
    assertThat(items.getJsonObject(0).getLong("workflow_id")).isGreaterThan(items.getJsonObject(1).getLong("workflow_id"));
    long cursor = page1.getLong("next_cursor");
    JsonObject page2 = new JsonObject(server.get("/workflows?limit=2&cursor=" + cursor).body());
    assertThat(page2.getJsonArray("workflows").getJsonObject(0).getLong("workflow_id")).isLessThan(cursor);
    assertThat(java.util.List.of(a, b, c)).contains(items.getJsonObject(1).getLong("workflow_id"));
    JsonObject completed = new JsonObject(server.get("/workflows?status=completed&limit=500").body());
    for (Object o : completed.getJsonArray("workflows")) {
      JsonObject item = (JsonObject) o;
      assertThat(item.getString("status")).isEqualTo("completed");
      // Each one's verdict, as its result has it (recorded by the worker, not read out of the result).
      assertThat(item.getString("verdict")).isNotNull().isEqualTo(
          new JsonObject(server.get("/results/" + item.getLong("workflow_id")).body()).getJsonObject("result").getString("verdict"));
    }
  }

  @Test
  void task_logs_show_every_attempt() {
    long id = submit(server, EXAMPLE);
    awaitFinished(server, id);
    HttpResponse<String> r = server.get("/workflows/" + id + "/tasks/detect_outliers/logs");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonArray logs = new JsonObject(r.body()).getJsonArray("logs");
    assertThat(logs.getJsonObject(0).getString("message")).startsWith("attempt 1 of 3 started on ");
    assertThat(logs.getJsonObject(1).getString("message")).matches("attempt 1 completed in \\d+ ms");
    assertThat(server.get("/workflows/" + id + "/tasks/polish/logs").statusCode()).isEqualTo(404);
  }

  @Test
  void workflow_types_describe_the_dag() {
    JsonObject types = new JsonObject(server.get("/workflow-types").body());
    JsonObject m = types.getJsonArray("workflow_types").getJsonObject(0);
    assertThat(m.getString("workflow_type")).isEqualTo("manufacturing_analysis");
    assertThat(m.getJsonArray("tasks")).hasSize(4);
    assertThat(m.getJsonArray("edges")).contains(new JsonObject().put("from", "synthesize").put("to", "verdict"));
    assertThat(m.getJsonArray("result_of")).containsExactly("verdict");
  }

  @Test
  void a_finished_workflow_cannot_be_cancelled_and_a_completed_one_not_retried() {
    long id = submit(server, EXAMPLE);
    awaitFinished(server, id);
    HttpResponse<String> cancel = server.post("/workflows/" + id + "/cancel", null, null);
    assertThat(cancel.statusCode()).isEqualTo(409);
    assertThat(new JsonObject(cancel.body()).getString("error")).isEqualTo("not_cancellable");
    assertThat(server.post("/workflows/" + id + "/retry", null, null).statusCode()).isEqualTo(409);
  }

  private static long newestWithStatus(String status) {
    return new JsonObject(server.get("/workflows?limit=1&status=" + status).body())
        .getJsonArray("workflows").getJsonObject(0).getLong("workflow_id");
  }

  @Test
  void a_cancelled_workflow_can_be_retried_and_then_completes() {
    // A running workflow whose tasks are all backing off for an hour: it stays put until cancelled.
    TestDatabase.execute(server.database, """
        WITH w AS (
            INSERT INTO workflows (workflow_type, input, status, started_at)
            VALUES ('manufacturing_analysis', '%s', 'running', now()) RETURNING id)
        INSERT INTO tasks (workflow_id, task_type, depends_on, deps_remaining, run_after)
        SELECT w.id, t.task_type, t.deps, cardinality(t.deps), now() + interval '1 hour'
        FROM w, (VALUES ('detect_outliers', '{}'::text[]), ('analyze_trends', '{}'::text[]),
                        ('synthesize', '{detect_outliers,analyze_trends}'::text[]),
                        ('verdict', '{synthesize}'::text[])) AS t(task_type, deps)
        """.formatted(EXAMPLE.replace("'", "''")));
    long id = newestWithStatus("running");
    HttpResponse<String> cancel = server.post("/workflows/" + id + "/cancel", null, null);
    assertThat(cancel.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(cancel.body()).getString("status")).isEqualTo("cancelled");
    HttpResponse<String> results = server.get("/results/" + id);
    assertThat(results.statusCode()).isEqualTo(200);
    JsonObject body = new JsonObject(results.body());
    assertThat(body.getString("status")).isEqualTo("cancelled");
    assertThat(body.getString("error")).isEqualTo("cancelled by request");
    assertThat(body.containsKey("result")).isTrue();
    assertThat(body.getValue("result")).isNull();

    HttpResponse<String> retry = server.post("/workflows/" + id + "/retry", null, null);
    assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
    assertThat(awaitFinished(server, id).getString("status")).isEqualTo("completed");
    assertThat(new JsonObject(server.get("/results/" + id).body()).getJsonObject("result").getString("verdict"))
        .isNotBlank();
  }

  @Test
  void csv_in_the_long_format_is_accepted() {
    String csv = """
        kind,id,dimension,value
        sensor,temp_1,,72.1
        sensor,temp_1,,73.4
        sensor,temp_1,,71.8
        sensor,temp_1,,99.2
        measurement,A100,width,10.01
        measurement,A100,width,10.02
        measurement,A100,width,9.98
        """;
    HttpResponse<String> r = server.post("/workflow", "text/csv", csv);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    long id = new JsonObject(r.body()).getLong("workflow_id");
    assertThat(awaitFinished(server, id).getString("status")).isEqualTo("completed");
    long json = submit(server, EXAMPLE);
    awaitFinished(server, json);
    // The CSV is kept as the JSON it became.
    HttpResponse<String> input = server.get("/workflows/" + id + "/input");
    assertThat(input.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(input.body()).getJsonArray("sensor_readings").getJsonObject(0).getJsonArray("values"))
        .containsExactly(72.1, 73.4, 71.8, 99.2);
    JsonObject fromCsv = new JsonObject(server.get("/results/" + id).body()).getJsonObject("result");
    JsonObject fromJson = new JsonObject(server.get("/results/" + json).body()).getJsonObject("result");
    assertThat(fromCsv).isEqualTo(fromJson);
  }

  @Test
  void the_input_comes_back_byte_for_byte_though_it_is_stored_compressed() {
    String body = SamplePayloads.realistic(11);
    long id = submit(server, body);
    HttpResponse<String> r = server.get("/workflows/" + id + "/input");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(r.body()).isEqualTo(body);
    assertThat(TestDatabase.queryLong(server.database,
        "SELECT count(*) FROM workflows WHERE input IS NULL AND octet_length(input_zstd) < " + body.length() / 2
            + " AND id = " + id)).isEqualTo(1);
  }

  @Test
  void the_input_of_a_workflow_stored_before_v4_as_text_comes_back_too() {
    long id = TestDatabase.queryLong(server.database, "INSERT INTO workflows (workflow_type, input, status, finished_at) "
        + "VALUES ('manufacturing_analysis', '{\"legacy\": [1, 2]}', 'cancelled', now()) RETURNING id");
    HttpResponse<String> r = server.get("/workflows/" + id + "/input");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"legacy\": [1, 2]}");
  }

  @Test
  void the_input_of_a_malformed_id_is_400_naming_the_id() {
    HttpResponse<String> r = server.get("/workflows/abc/input");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(r.body()).getString("field")).isEqualTo("id");
  }

  @Test
  void health_and_ready_answer() {
    assertThat(server.get("/health").statusCode()).isEqualTo(200);
    assertThat(new JsonObject(server.get("/ready").body()).getString("status")).isEqualTo("ready");
  }
}
