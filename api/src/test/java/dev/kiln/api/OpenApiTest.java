package dev.kiln.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.testing.KilnServer;
import dev.kiln.engine.config.KilnConfig;
import dev.kiln.engine.db.Pools;
import dev.kiln.engine.spec.WorkflowSpecs;
import dev.kiln.handlers.HandlerRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keeps GET /openapi.json true to the router and internally consistent. */
class OpenApiTest {
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
  private static final Pattern TEMPLATE_PARAM = Pattern.compile("\\{([^}]+)}");

  private static KilnServer server;
  private static JsonObject doc;
  private static List<ApiVerticle.RouteInfo> routes;

  @BeforeAll
  static void start() throws Exception {
    server = KilnServer.start(Map.of());
    HttpResponse<String> r = server.get("/openapi.json");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
    doc = new JsonObject(r.body());

    // The running process's ApiVerticle is out of reach, so deploy a twin on the same Vert.x and ask it.
    KilnConfig config = KilnConfig.parse(
        Map.of("KILN_DATABASE_URL", server.database.secretUrl(), "KILN_HTTP_PORT", "0"), List.of());
    Pool pool = Pools.create(server.kiln.vertx(), server.database, "openapi-test", 2, Pools.Workload.API);
    try {
      ApiVerticle twin = new ApiVerticle(config, pool, pool,
          WorkflowSpecs.load(HandlerRegistry.builtIn(), Optional.empty()), Clock.systemUTC(),
          new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
      String deployment = server.kiln.vertx().deployVerticle(twin).await(60, TimeUnit.SECONDS);
      routes = List.copyOf(twin.routes());
      server.kiln.vertx().undeploy(deployment).await(60, TimeUnit.SECONDS);
    } finally {
      pool.close().await(30, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void the_document_is_openapi_3_0() {
    assertThat(doc.getString("openapi")).matches("3\\.0\\.\\d+");
    assertThat(doc.getJsonObject("info").getString("title")).isNotBlank();
    assertThat(doc.getJsonObject("info").getString("version")).isNotBlank();
  }

  @Test
  void every_route_is_documented_and_every_documented_operation_is_routed() {
    Set<String> routed = new TreeSet<>();
    for (ApiVerticle.RouteInfo r : routes) {
      routed.add(r.method().toUpperCase() + " " + r.path().replaceAll(":([A-Za-z0-9_]+)", "{$1}"));
    }
    Set<String> documented = new TreeSet<>();
    JsonObject paths = doc.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        if (METHODS.contains(method)) {
          documented.add(method.toUpperCase() + " " + path);
        }
      }
    }
    assertThat(routed).as("the router serves something").contains("GET /health", "POST /workflow", "GET /status/{id}");
    assertThat(documented).as("documented operations that the router does not serve").isSubsetOf(routed);
    assertThat(routed).as("routes missing from openapi.json").isSubsetOf(documented);
  }

  @Test
  void every_operation_has_a_success_response_and_a_unique_operation_id() {
    Set<String> ids = new TreeSet<>();
    forEachOperation((where, op) -> {
      JsonObject responses = op.getJsonObject("responses");
      assertThat(responses).as(where + " responses").isNotNull();
      assertThat(responses.fieldNames()).as(where + " has a 2xx response").anyMatch(code -> code.matches("2\\d\\d"));
      String id = op.getString("operationId");
      assertThat(id).as(where + " operationId").isNotBlank();
      assertThat(ids.add(id)).as("operationId " + id + " is unique").isTrue();
    });
  }

  @Test
  void every_path_template_parameter_is_declared_and_every_declared_path_parameter_is_in_the_template() {
    forEachOperation((where, op) -> {
      String path = where.substring(where.indexOf(' ') + 1);
      Set<String> inTemplate = new TreeSet<>();
      Matcher m = TEMPLATE_PARAM.matcher(path);
      while (m.find()) {
        inTemplate.add(m.group(1));
      }
      Set<String> declared = new TreeSet<>();
      JsonArray params = op.getJsonArray("parameters", new JsonArray());
      for (Object p : params) {
        JsonObject param = resolve((JsonObject) p);
        if ("path".equals(param.getString("in"))) {
          assertThat(param.getBoolean("required")).as(where + " path parameter " + param.getString("name")).isTrue();
          declared.add(param.getString("name"));
        }
      }
      assertThat(declared).as(where + " path parameters").isEqualTo(inTemplate);
    });
  }

  @Test
  void workflow_ids_in_paths_are_integers_of_at_least_one() {
    JsonObject id = doc.getJsonObject("components").getJsonObject("parameters").getJsonObject("WorkflowId");
    assertThat(id.getString("name")).isEqualTo("id");
    assertThat(id.getJsonObject("schema").getString("type")).isEqualTo("integer");
    assertThat(id.getJsonObject("schema").getInteger("minimum")).isEqualTo(1);
  }

  @Test
  void every_post_operation_offers_bearer_auth_and_the_scheme_exists() {
    JsonObject scheme = doc.getJsonObject("components").getJsonObject("securitySchemes").getJsonObject("bearerAuth");
    assertThat(scheme.getString("type")).isEqualTo("http");
    assertThat(scheme.getString("scheme")).isEqualTo("bearer");
    forEachOperation((where, op) -> {
      if (where.startsWith("POST ")) {
        assertThat(op.getJsonArray("security").stream().map(s -> ((JsonObject) s).fieldNames()).toList())
            .as(where + " security").anySatisfy(names -> assertThat(names).contains("bearerAuth"));
      }
    });
  }

  @Test
  void every_ref_resolves_inside_the_document() {
    List<String> refs = new ArrayList<>();
    collectRefs(doc, refs);
    assertThat(refs).as("the document uses $ref").isNotEmpty();
    for (String ref : refs) {
      assertThat(ref).as("local reference").startsWith("#/");
      assertThat(pointer(ref)).as(ref + " resolves").isNotNull();
    }
  }

  @Test
  void the_documented_request_examples_are_accepted() {
    JsonObject content = doc.getJsonObject("paths").getJsonObject("/workflow").getJsonObject("post")
        .getJsonObject("requestBody").getJsonObject("content");
    JsonObject examples = content.getJsonObject("application/json").getJsonObject("examples");
    for (String name : examples.fieldNames()) {
      String body = examples.getJsonObject(name).getJsonObject("value").encode();
      HttpResponse<String> r = server.postJson("/workflow", body);
      assertThat(r.statusCode()).as("example " + name + ": " + r.body()).isEqualTo(201);
    }
    String csv = content.getJsonObject("text/csv").getString("example");
    HttpResponse<String> r = server.post("/workflow", "text/csv", csv);
    assertThat(r.statusCode()).as("CSV example: " + r.body()).isEqualTo(201);
  }

  @Test
  void every_example_in_the_document_matches_its_schema() {
    List<String> problems = new ArrayList<>();
    JsonObject components = doc.getJsonObject("components");
    for (String name : components.getJsonObject("schemas").fieldNames()) {
      JsonObject schema = components.getJsonObject("schemas").getJsonObject(name);
      if (schema.containsKey("example")) {
        validate("schema " + name + " example", schema.getValue("example"), schema, problems);
      }
    }
    List<Map.Entry<String, JsonObject>> media = new ArrayList<>();
    collectMediaTypes("#", doc, media);
    assertThat(media).as("media types with schemas").hasSizeGreaterThan(20);
    for (Map.Entry<String, JsonObject> m : media) {
      JsonObject schema = m.getValue().getJsonObject("schema");
      if (m.getValue().containsKey("example")) {
        validate(m.getKey() + " example", m.getValue().getValue("example"), schema, problems);
      }
      JsonObject examples = m.getValue().getJsonObject("examples", new JsonObject());
      for (String name : examples.fieldNames()) {
        validate(m.getKey() + " example " + name, resolve(examples.getJsonObject(name)).getValue("value"), schema, problems);
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void real_answers_for_the_plans_example_match_the_documented_schemas() throws Exception {
    HttpResponse<String> created = server.postJson("/workflow", PLAN_EXAMPLE);
    conforms("POST", "/workflow", created, 201);
    long id = new JsonObject(created.body()).getLong("workflow_id");
    assertThat(created.headers().firstValue("Location")).contains("/status/" + id);
    awaitFinished(id);

    conforms("GET", "/status/{id}", server.get("/status/" + id), 200);
    conforms("GET", "/results/{id}", server.get("/results/" + id), 200);
    conforms("GET", "/workflows", server.get("/workflows?limit=1"), 200);
    conforms("GET", "/workflows", server.get("/workflows?status=completed"), 200);
    conforms("GET", "/workflows/{id}/tasks/{task_type}/logs", server.get("/workflows/" + id + "/tasks/detect_outliers/logs"), 200);
    conforms("GET", "/workflow-types", server.get("/workflow-types"), 200);
    conforms("GET", "/health", server.get("/health"), 200);
    conforms("GET", "/ready", server.get("/ready"), 200);
    HttpResponse<String> metrics = server.get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/plain"));
    assertThat(responseFor("GET", "/metrics", 200).getJsonObject("content").fieldNames()).containsExactly("text/plain");

    conforms("POST", "/workflow", server.post("/workflow", "application/xml", "<x/>"), 415);
    conforms("POST", "/workflow", server.postJson("/workflow", "{\"sensor_readings\": 1}"), 400);
    conforms("GET", "/status/{id}", server.get("/status/0"), 400);
    conforms("GET", "/status/{id}", server.get("/status/999999999"), 404);
    conforms("GET", "/results/{id}", server.get("/results/999999999"), 404);
    conforms("GET", "/workflows", server.get("/workflows?limit=501"), 400);
    conforms("GET", "/workflows/{id}/tasks/{task_type}/logs", server.get("/workflows/" + id + "/tasks/nope/logs"), 404);
    conforms("POST", "/workflows/{id}/cancel", server.post("/workflows/" + id + "/cancel", null, null), 409);
    conforms("POST", "/workflows/{id}/retry", server.post("/workflows/" + id + "/retry", null, null), 409);
    conforms("POST", "/workflows/{id}/cancel", server.post("/workflows/999999999/cancel", null, null), 404);
    conforms("GET", "/workflows/{id}/events", server.get("/workflows/" + id + "/events", "Last-Event-ID", "x"), 400);

    // A finished workflow's stream replays its history, then ends: each data line is a documented Event.
    HttpResponse<String> stream = server.get("/workflows/" + id + "/events");
    assertThat(stream.statusCode()).isEqualTo(200);
    assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/event-stream"));
    assertThat(responseFor("GET", "/workflows/{id}/events", 200).getJsonObject("content").fieldNames())
        .containsExactly("text/event-stream");
    JsonObject eventSchema = doc.getJsonObject("components").getJsonObject("schemas").getJsonObject("Event");
    List<String> problems = new ArrayList<>();
    int events = 0;
    for (String message : stream.body().split("\n\n")) {
      String name = null;
      String data = null;
      for (String line : message.split("\n")) {
        if (line.startsWith("event: ")) {
          name = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data = line.substring(6);
        }
      }
      if (data != null) {
        JsonObject event = new JsonObject(data);
        validate("event " + data, event, eventSchema, problems);
        assertThat(name).isEqualTo(event.getString("task_type") == null ? "workflow" : "task");
        events++;
      }
    }
    assertThat(events).isEqualTo(2 + 4 * 3 + 1);
    assertThat(problems).isEmpty();
  }

  private static final String PLAN_EXAMPLE = """
      {"sensor_readings": [{"sensor_id": "temp_1", "values": [72.1, 73.4, 71.8, 99.2]}],
       "measurements": [{"part_id": "A100", "dimension": "width", "values": [10.01, 10.02, 9.98]}],
       "metadata": {}}""";

  private static void awaitFinished(long id) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      String status = new JsonObject(server.get("/status/" + id).body()).getString("status");
      if (Set.of("completed", "failed", "cancelled").contains(status)) {
        assertThat(status).isEqualTo("completed");
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("workflow " + id + " did not finish");
  }

  private static JsonObject responseFor(String method, String path, int status) {
    JsonObject op = doc.getJsonObject("paths").getJsonObject(path).getJsonObject(method.toLowerCase());
    JsonObject response = op.getJsonObject("responses").getJsonObject(String.valueOf(status));
    assertThat(response).as(method + " " + path + " documents " + status).isNotNull();
    return resolve(response);
  }

  /** The answer has the documented status, content type and body shape. */
  private static void conforms(String method, String path, HttpResponse<String> answer, int status) {
    String where = method + " " + path + " " + status;
    assertThat(answer.statusCode()).as(where + ": " + answer.body()).isEqualTo(status);
    JsonObject content = responseFor(method, path, status).getJsonObject("content");
    assertThat(content.fieldNames()).as(where + " content").contains("application/json");
    assertThat(answer.headers().firstValue("Content-Type")).as(where)
        .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
    List<String> problems = new ArrayList<>();
    Object body = answer.body().strip().startsWith("[") ? new JsonArray(answer.body()) : new JsonObject(answer.body());
    validate(where + " body", body, content.getJsonObject("application/json").getJsonObject("schema"), problems);
    assertThat(problems).as(answer.body()).isEmpty();
  }

  private static void collectMediaTypes(String where, Object node, List<Map.Entry<String, JsonObject>> out) {
    if (node instanceof JsonObject o) {
      if (o.getValue("content") instanceof JsonObject content) {
        for (String type : content.fieldNames()) {
          JsonObject media = content.getJsonObject(type);
          if (media.containsKey("schema")) {
            out.add(Map.entry(where + "/content/" + type, media));
          }
        }
      }
      for (String key : o.fieldNames()) {
        if (!key.equals("content") && !key.equals("examples") && !key.equals("example")) {
          collectMediaTypes(where + "/" + key, o.getValue(key), out);
        }
      }
    }
  }

  /** A small JSON Schema check for the OpenAPI 3.0 subset the document uses; undocumented fields
   * are reported unless the schema allows additional properties. */
  private static void validate(String where, Object value, JsonObject schemaOrRef, List<String> problems) {
    JsonObject schema = resolve(schemaOrRef);
    JsonArray enumeration = schema.getJsonArray("enum");
    if (value == null) {
      if (!schema.getBoolean("nullable", false) && (enumeration == null || !enumeration.contains(null))) {
        problems.add(where + ": null is not allowed");
      }
      return;
    }
    if (enumeration != null && !enumeration.contains(value)) {
      problems.add(where + ": " + value + " is not one of " + enumeration);
    }
    if (schema.containsKey("anyOf")) {
      boolean any = false;
      for (Object branch : schema.getJsonArray("anyOf")) {
        List<String> branchProblems = new ArrayList<>();
        validate(where, value, (JsonObject) branch, branchProblems);
        any |= branchProblems.isEmpty();
      }
      if (!any) {
        problems.add(where + ": matches none of anyOf");
      }
      return;
    }
    String type = schema.getString("type");
    if (type == null) {
      return;
    }
    switch (type) {
      case "object" -> {
        if (!(value instanceof JsonObject o)) {
          problems.add(where + ": not an object: " + value);
          return;
        }
        JsonObject properties = schema.getJsonObject("properties", new JsonObject());
        for (Object required : schema.getJsonArray("required", new JsonArray())) {
          if (!o.containsKey((String) required)) {
            problems.add(where + ": missing " + required);
          }
        }
        boolean open = Boolean.TRUE.equals(schema.getValue("additionalProperties"));
        for (String key : o.fieldNames()) {
          if (properties.containsKey(key)) {
            validate(where + "." + key, o.getValue(key), properties.getJsonObject(key), problems);
          } else if (!open) {
            problems.add(where + ": undocumented field " + key);
          }
        }
      }
      case "array" -> {
        if (!(value instanceof JsonArray a)) {
          problems.add(where + ": not an array: " + value);
          return;
        }
        for (int i = 0; i < a.size(); i++) {
          validate(where + "[" + i + "]", a.getValue(i), schema.getJsonObject("items"), problems);
        }
      }
      case "string" -> {
        if (!(value instanceof String s)) {
          problems.add(where + ": not a string: " + value);
        } else if ("date-time".equals(schema.getString("format"))) {
          try {
            java.time.OffsetDateTime.parse(s);
          } catch (java.time.format.DateTimeParseException e) {
            problems.add(where + ": not a date-time: " + s);
          }
        }
      }
      case "integer", "number" -> {
        if (!(value instanceof Number n) || type.equals("integer") && !(n instanceof Integer || n instanceof Long)) {
          problems.add(where + ": not " + type + ": " + value);
          return;
        }
        if (schema.getValue("minimum") instanceof Number min && n.doubleValue() < min.doubleValue()) {
          problems.add(where + ": " + n + " is below " + min);
        }
        if (schema.getValue("maximum") instanceof Number max && n.doubleValue() > max.doubleValue()) {
          problems.add(where + ": " + n + " is above " + max);
        }
      }
      case "boolean" -> {
        if (!(value instanceof Boolean)) {
          problems.add(where + ": not a boolean: " + value);
        }
      }
      default -> problems.add(where + ": unknown schema type " + type);
    }
  }

  private interface OperationCheck {
    void check(String where, JsonObject operation);
  }

  private static void forEachOperation(OperationCheck check) {
    JsonObject paths = doc.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (METHODS.contains(method)) {
          check.check(method.toUpperCase() + " " + path, item.getJsonObject(method));
        }
      }
    }
  }

  private static JsonObject resolve(JsonObject maybeRef) {
    String ref = maybeRef.getString("$ref");
    if (ref == null) {
      return maybeRef;
    }
    Object target = pointer(ref);
    assertThat(target).as(ref).isInstanceOf(JsonObject.class);
    return (JsonObject) target;
  }

  private static void collectRefs(Object node, List<String> out) {
    if (node instanceof JsonObject o) {
      for (Map.Entry<String, Object> e : o) {
        if (e.getKey().equals("$ref") && e.getValue() instanceof String s) {
          out.add(s);
        } else {
          collectRefs(e.getValue(), out);
        }
      }
    } else if (node instanceof JsonArray a) {
      for (Object v : a) {
        collectRefs(v, out);
      }
    }
  }

  /** The node a local JSON pointer ({@code #/a/b~1c}) names, or null. */
  private static Object pointer(String ref) {
    Object node = doc;
    for (String raw : ref.substring(2).split("/", -1)) {
      String token = raw.replace("~1", "/").replace("~0", "~");
      if (node instanceof JsonObject o && o.containsKey(token)) {
        node = o.getValue(token);
      } else if (node instanceof JsonArray a && token.matches("\\d+") && Integer.parseInt(token) < a.size()) {
        node = a.getValue(Integer.parseInt(token));
      } else {
        return null;
      }
    }
    return node;
  }
}
