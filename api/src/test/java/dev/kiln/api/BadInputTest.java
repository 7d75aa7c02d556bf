package dev.kiln.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.testing.KilnServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every malformed request gets a 4xx naming the problem, and no workflow row is written. */
class BadInputTest {
  private static KilnServer server;

  @BeforeAll
  static void start() {
    server = KilnServer.start(Map.of("KILN_MAX_BODY_BYTES", "4096", "KILN_MAX_VALUES", "10"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static long workflows() throws Exception {
    try (Connection c = DriverManager.getConnection(server.database.jdbcUrl(), server.database.user(),
        server.database.password()); ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM workflows")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static Stream<Arguments> malformedBodies() {
    return Stream.of(
        Arguments.of("malformed JSON", "{\"sensor_readings\": [", "sensor_readings[0]"),
        Arguments.of("not JSON at all", "hello", "$"),
        Arguments.of("a top-level array", "[1, 2]", "$"),
        Arguments.of("a top-level string", "\"readings\"", "$"),
        Arguments.of("sensor_readings an object", "{\"sensor_readings\": {}}", "sensor_readings"),
        Arguments.of("sensor_readings a string", "{\"sensor_readings\": \"temp\"}", "sensor_readings"),
        Arguments.of("a sensor entry a number", "{\"sensor_readings\": [5]}", "sensor_readings[0]"),
        Arguments.of("values a string", "{\"sensor_readings\": [{\"sensor_id\": \"t\", \"values\": \"1,2\"}]}",
            "sensor_readings[0].values"),
        Arguments.of("a value a string", "{\"sensor_readings\": [{\"sensor_id\": \"t\", \"values\": [1, \"2\"]}]}",
            "sensor_readings[0].values[1]"),
        Arguments.of("a value null", "{\"sensor_readings\": [{\"sensor_id\": \"t\", \"values\": [1, null]}]}",
            "sensor_readings[0].values[1]"),
        Arguments.of("a value true", "{\"sensor_readings\": [{\"sensor_id\": \"t\", \"values\": [true]}]}",
            "sensor_readings[0].values[0]"),
        Arguments.of("a nested array value", "{\"sensor_readings\": [{\"sensor_id\": \"t\", \"values\": [[1]]}]}",
            "sensor_readings[0].values[0]"),
        Arguments.of("NaN", "{\"sensor_readings\": [{\"sensor_id\": \"t\", \"values\": [1, NaN]}]}",
            "sensor_readings[0].values[1]"),
        Arguments.of("Infinity", "{\"sensor_readings\": [{\"sensor_id\": \"t\", \"values\": [Infinity]}]}",
            "sensor_readings[0].values[0]"),
        Arguments.of("a huge exponent", "{\"sensor_readings\": [{\"sensor_id\": \"t\", \"values\": [1e999]}]}",
            "sensor_readings[0].values[0]"),
        Arguments.of("sensor_id a number", "{\"sensor_readings\": [{\"sensor_id\": 7, \"values\": [1]}]}",
            "sensor_readings[0].sensor_id"),
        Arguments.of("sensor_id missing", "{\"sensor_readings\": [{\"values\": [1, 2]}]}", "sensor_readings[0].sensor_id"),
        Arguments.of("sensor_id empty", "{\"sensor_readings\": [{\"sensor_id\": \"\", \"values\": [1]}]}",
            "sensor_readings[0].sensor_id"),
        Arguments.of("values missing", "{\"sensor_readings\": [{\"sensor_id\": \"t\"}]}", "sensor_readings[0].values"),
        Arguments.of("the fourth sensor broken", "{\"sensor_readings\": ["
            + "{\"sensor_id\": \"a\", \"values\": [1]}, {\"sensor_id\": \"b\", \"values\": [1]},"
            + "{\"sensor_id\": \"c\", \"values\": [1]}, {\"sensor_id\": \"d\", \"values\": [1, 2, \"x\"]}]}",
            "sensor_readings[3].values[2]"),
        Arguments.of("measurements a number", "{\"measurements\": 3}", "measurements"),
        Arguments.of("part_id a number", "{\"measurements\": [{\"part_id\": 1, \"dimension\": \"w\", \"values\": [1]}]}",
            "measurements[0].part_id"),
        Arguments.of("dimension missing", "{\"measurements\": [{\"part_id\": \"A\", \"values\": [1]}]}",
            "measurements[0].dimension"),
        Arguments.of("a measurement value a string",
            "{\"measurements\": [{\"part_id\": \"A\", \"dimension\": \"w\", \"values\": [\"10.0\"]}]}",
            "measurements[0].values[0]"),
        Arguments.of("metadata a list", "{\"metadata\": [1]}", "metadata"),
        Arguments.of("an unknown workflow type", "{\"workflow_type\": \"no_such_thing\"}", "workflow_type"),
        Arguments.of("workflow_type a number", "{\"workflow_type\": 5}", "workflow_type"),
        Arguments.of("more values than KILN_MAX_VALUES",
            "{\"sensor_readings\": [{\"sensor_id\": \"t\", \"values\": [1,2,3,4,5,6,7,8,9,10,11]}]}",
            "sensor_readings[0].values[10]"),
        Arguments.of("truncated JSON", "{\"sensor_readings\": [{\"sensor_id\": \"t\", \"values\": [1, 2",
            "sensor_readings[0].values[1]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedBodies")
  void a_malformed_body_is_400_naming_the_field(String what, String body, String field) throws Exception {
    long before = workflows();
    HttpResponse<String> r = server.postJson("/workflow", body);
    assertThat(r.statusCode()).as(what + ": " + r.body()).isEqualTo(400);
    JsonObject error = new JsonObject(r.body());
    assertThat(error.getString("field")).as(what + ": " + r.body()).isEqualTo(field);
    assertThat(error.getString("error")).isEqualTo("invalid_input");
    assertThat(error.getString("message")).isNotBlank();
    assertThat(workflows()).isEqualTo(before);
  }

  @Test
  void an_empty_body_is_400() {
    HttpResponse<String> r = server.postJson("/workflow", "");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(r.body()).getString("field")).isEqualTo("$");
  }

  @Test
  void an_unsupported_content_type_is_415() {
    HttpResponse<String> r = server.post("/workflow", "application/xml", "<readings/>");
    assertThat(r.statusCode()).isEqualTo(415);
    assertThat(new JsonObject(r.body()).getString("field")).isEqualTo("Content-Type");
  }

  @Test
  void a_body_over_the_limit_is_413() {
    HttpResponse<String> r = server.postJson("/workflow", "{\"metadata\": {\"pad\": \"" + "x".repeat(5000) + "\"}}");
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("body_too_large");
  }

  @Test
  void a_bad_csv_row_is_400_naming_line_and_column() {
    HttpResponse<String> r = server.post("/workflow", "text/csv", "kind,id,dimension,value\nsensor,t,,1\nsensor,t,,abc\n");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(r.body()).getString("field")).isEqualTo("csv line 3.value");
    HttpResponse<String> kind = server.post("/workflow", "text/csv", "gauge,t,,1\n");
    assertThat(new JsonObject(kind.body()).getString("field")).isEqualTo("csv line 1.kind");
    HttpResponse<String> columns = server.post("/workflow", "text/csv", "sensor,t,1\n");
    assertThat(new JsonObject(columns.body()).getString("field")).isEqualTo("csv line 1");
    HttpResponse<String> nan = server.post("/workflow", "text/csv", "sensor,t,,NaN\n");
    assertThat(new JsonObject(nan.body()).getString("field")).isEqualTo("csv line 1.value");
    HttpResponse<String> dim = server.post("/workflow", "text/csv", "measurement,A1,,1.0\n");
    assertThat(new JsonObject(dim.body()).getString("field")).isEqualTo("csv line 1.dimension");
  }

  @Test
  void ids_in_paths_must_be_positive_whole_numbers() {
    for (String path : new String[] {"/status/abc", "/status/-1", "/status/0", "/results/1.5",
        "/status/99999999999999999999", "/workflows/x/events", "/workflows/x/tasks/verdict/logs"}) {
      HttpResponse<String> r = server.get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(400);
      assertThat(new JsonObject(r.body()).getString("field")).as(path).isEqualTo("id");
    }
    HttpResponse<String> cancel = server.post("/workflows/abc/cancel", null, null);
    assertThat(cancel.statusCode()).isEqualTo(400);
  }

  @Test
  void list_parameters_are_checked() {
    assertThat(new JsonObject(server.get("/workflows?status=done").body()).getString("field")).isEqualTo("status");
    assertThat(new JsonObject(server.get("/workflows?limit=0").body()).getString("field")).isEqualTo("limit");
    assertThat(new JsonObject(server.get("/workflows?limit=ten").body()).getString("field")).isEqualTo("limit");
    assertThat(new JsonObject(server.get("/workflows?cursor=-5").body()).getString("field")).isEqualTo("cursor");
  }

  @Test
  void a_blank_or_huge_idempotency_key_is_400() {
    HttpResponse<String> r = server.postJson("/workflow", "{}", "Idempotency-Key", "x".repeat(201));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(r.body()).getString("field")).isEqualTo("Idempotency-Key");
  }

  @Test
  void a_malformed_last_event_id_is_400() {
    HttpResponse<String> r = server.get("/events", "Last-Event-ID", "yesterday");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(r.body()).getString("field")).isEqualTo("Last-Event-ID");
  }

  @Test
  void an_unknown_path_is_a_json_404() {
    HttpResponse<String> r = server.get("/nothing/here");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("not_found");
  }
}
