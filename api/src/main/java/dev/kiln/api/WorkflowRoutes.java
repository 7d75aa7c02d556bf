package dev.kiln.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.engine.BackgroundPriority;
import dev.kiln.engine.spec.TaskSpec;
import dev.kiln.engine.spec.WorkflowSpec;
import dev.kiln.engine.spec.WorkflowSpecs;
import dev.kiln.engine.store.ReadStore;
import dev.kiln.engine.store.StoredInput;
import dev.kiln.engine.store.WorkflowStore;
import dev.kiln.handlers.InvalidInputException;
import dev.kiln.handlers.WorkflowInput;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

/** The REST endpoints: the plan's three (wire-compatible) and the ones added beside them. */
final class WorkflowRoutes {
  static final String DEFAULT_TYPE = "manufacturing_analysis";
  private static final Set<String> STATUSES = Set.of("pending", "running", "completed", "failed", "cancelled");

  private final Vertx vertx;
  private final ReadStore reads;
  private final WorkflowStore workflows;
  private final WorkflowSpecs specs;
  private final Clock clock;
  private final long maxValues;
  private final WorkerExecutor cpu;
  private final BackgroundPriority priority;

  WorkflowRoutes(Vertx vertx, Pool pool, WorkflowSpecs specs, Clock clock, long maxValues, BackgroundPriority priority) {
    this.vertx = vertx;
    this.reads = new ReadStore(pool);
    this.workflows = new WorkflowStore(pool);
    this.specs = specs;
    this.clock = clock;
    this.maxValues = maxValues;
    this.priority = priority;
    // Checking, compressing and decompressing bodies is CPU work, off the event loop; as many
    // threads as cores, so that sixteen uploads at once queue here for the CPU instead of crowding
    // out the event loops and the database that answer reads meanwhile.
    this.cpu = vertx.createSharedWorkerExecutor("kiln-api-cpu", Math.max(1, Runtime.getRuntime().availableProcessors()));
  }

  /** Runs CPU work on the API's executor, its thread at the background priority. */
  private <T> Future<T> onCpu(Callable<T> work) {
    return cpu.executeBlocking(() -> {
      priority.applyToCurrentThread();
      return work.call();
    }, false);
  }

  /** What a validated submission stores. */
  private record Submission(String workflowType, byte[] storedInput, byte[] sha256) {}

  void submit(RoutingContext ctx) {
    String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    String mediaType = contentType == null ? "application/json"
        : contentType.split(";")[0].strip().toLowerCase(Locale.ROOT);
    boolean csv = mediaType.equals("text/csv");
    if (!csv && !mediaType.equals("application/json")) {
      throw new ApiException(415, "unsupported_media_type", "Content-Type",
          "send application/json or text/csv, not " + mediaType);
    }
    Body body = Body.of(ctx.body() == null ? null : ctx.body().buffer());
    if (body.length() == 0) {
      throw ApiException.badRequest("$", "the body is empty; send the readings as JSON (or CSV)");
    }
    String queryType = ctx.queryParams().get("workflow_type");
    String key = ctx.request().getHeader("Idempotency-Key");
    if (key != null && (key.isBlank() || key.length() > 200)) {
      throw ApiException.badRequest("Idempotency-Key", "must be 1 to 200 characters");
    }
    // Parsing and validating up to 64 MiB of JSON is CPU work: never on the event loop.
    onCpu(() -> validate(body, csv, queryType, key != null))
        .compose(s -> reads.submit(s.workflowType(), s.storedInput(), key, s.sha256(), clock.instant()).map(r -> {
          if (!r.created() && !Arrays.equals(r.requestSha256(), s.sha256())) {
            throw new ApiException(409, "idempotency_conflict", "Idempotency-Key",
                "this key was used for a different request body (workflow " + r.id() + ")");
          }
          return r;
        }))
        .onSuccess(r -> ctx.response()
            .setStatusCode(r.created() ? 201 : 200)
            .putHeader(HttpHeaders.LOCATION, "/status/" + r.id())
            .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(new JsonObject().put("workflow_id", r.id()).encode()))
        .onFailure(ctx::fail);
  }

  private Submission validate(Body body, boolean csv, String queryType, boolean idempotent)
      throws NoSuchAlgorithmException {
    byte[] storedInput;
    String type = queryType;
    if (csv) {
      byte[] json = CsvInput.toJson(body.copy(), maxValues);
      storedInput = StoredInput.compress(json, 0, json.length);
    } else {
      // Checked, not parsed: the worker parses the input when it runs; here the numbers need only
      // be valid and finite, which spares converting every one of them to a double.
      WorkflowInput.Checked checked;
      try {
        checked = WorkflowInput.check(body.array(), body.offset(), body.length(), maxValues);
      } catch (InvalidInputException e) {
        throw ApiException.badRequest(e.field(), e.getMessage());
      }
      String bodyType = workflowTypeOf(checked.workflowType());
      if (bodyType != null) {
        type = bodyType;
      }
      // Stored compressed (schema v4), straight from the body's bytes: no string in between.
      storedInput = StoredInput.compress(body.array(), body.offset(), body.length());
    }
    if (type == null) {
      type = DEFAULT_TYPE;
    }
    if (specs.find(type).isEmpty()) {
      throw ApiException.badRequest("workflow_type", "unknown workflow type \"" + type + "\"; known: "
          + String.join(", ", specs.all().stream().map(WorkflowSpec::workflowType).toList()));
    }
    // The body's hash only matters to an idempotent submit (the same key with another body is a
    // conflict); for 15 MB it costs tens of milliseconds.
    byte[] sha = null;
    if (idempotent) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(body.array(), body.offset(), body.length());
      sha = digest.digest();
    }
    return new Submission(type, storedInput, sha);
  }

  /** The optional top-level "workflow_type" the check kept (it read the body once for all). */
  private static String workflowTypeOf(JsonNode value) {
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw ApiException.badRequest("workflow_type", "must be a string");
    }
    return value.textValue();
  }

  void status(RoutingContext ctx) {
    long id = pathId(ctx, "id");
    reads.statusJson(id)
        .onSuccess(json -> json.ifPresentOrElse(body -> sendJson(ctx, 200, body),
            () -> ctx.fail(notFoundWorkflow(id))))
        .onFailure(ctx::fail);
  }

  void results(RoutingContext ctx) {
    long id = pathId(ctx, "id");
    reads.result(id)
        .onSuccess(r -> {
          if (r.isEmpty()) {
            ctx.fail(notFoundWorkflow(id));
          } else if (r.get().status().equals("pending") || r.get().status().equals("running")) {
            sendJson(ctx, 404, new JsonObject().put("error", "not_ready").put("status", r.get().status())
                .put("workflow_id", id).encode());
          } else {
            sendJson(ctx, 200, r.get().body());
          }
        })
        .onFailure(ctx::fail);
  }

  /** The input as submitted (CSV as the JSON it became), so a result can be checked against it. */
  void input(RoutingContext ctx) {
    long id = pathId(ctx, "id");
    reads.storedInput(id)
        .compose(stored -> {
          if (stored.isEmpty()) {
            throw notFoundWorkflow(id);
          }
          // Decompressing up to 64 MiB is CPU work: never on the event loop.
          return onCpu(() -> StoredInput.json(stored.get()));
        })
        .onSuccess(json -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
            .end(Buffer.buffer(json)))
        .onFailure(ctx::fail);
  }

  void list(RoutingContext ctx) {
    String status = ctx.queryParams().get("status");
    if (status != null && !STATUSES.contains(status)) {
      throw ApiException.badRequest("status", "must be one of pending, running, completed, failed, cancelled");
    }
    int limit = (int) queryLong(ctx, "limit", 50, 1, 500);
    long cursor = queryLong(ctx, "cursor", Long.MAX_VALUE, 1, Long.MAX_VALUE);
    reads.list(status, cursor, limit)
        .onSuccess(page -> {
          StringBuilder out = new StringBuilder("{\"workflows\":[");
          out.append(String.join(",", page.items())).append("],\"next_cursor\":")
              .append(page.nextCursor() == null ? "null" : page.nextCursor().toString()).append('}');
          sendJson(ctx, 200, out.toString());
        })
        .onFailure(ctx::fail);
  }

  void cancel(RoutingContext ctx) {
    long id = pathId(ctx, "id");
    workflows.cancel(id, "cancelled by request", clock.instant())
        .compose(done -> done ? reads.statusJson(id) : reads.workflowStatus(id).map(status -> {
          throw status.isEmpty() ? notFoundWorkflow(id)
              : new ApiException(409, "not_cancellable", null, "workflow " + id + " is already " + status.get());
        }))
        .onSuccess(json -> sendJson(ctx, 200, json.orElseThrow()))
        .onFailure(ctx::fail);
  }

  void retry(RoutingContext ctx) {
    long id = pathId(ctx, "id");
    reads.retry(id, clock.instant())
        .compose(done -> done ? reads.statusJson(id) : reads.workflowStatus(id).map(status -> {
          throw status.isEmpty() ? notFoundWorkflow(id)
              : new ApiException(409, "not_retryable", null,
                  "workflow " + id + " is " + status.get() + "; only failed or cancelled workflows can be retried");
        }))
        .onSuccess(json -> sendJson(ctx, 200, json.orElseThrow()))
        .onFailure(ctx::fail);
  }

  void logs(RoutingContext ctx) {
    long id = pathId(ctx, "id");
    String taskType = ctx.pathParam("task_type");
    reads.logs(id, taskType)
        .compose(lines -> lines.isPresent() ? Future.succeededFuture(lines.get())
            : reads.workflowStatus(id).map(status -> {
              throw status.isEmpty() ? notFoundWorkflow(id)
                  : ApiException.notFound("workflow " + id + " has no task \"" + taskType + "\"");
            }))
        .onSuccess(lines -> sendJson(ctx, 200, new JsonObject().put("workflow_id", id).put("task_type", taskType)
            .put("logs", new JsonArray(lines)).encode()))
        .onFailure(ctx::fail);
  }

  void workflowTypes(RoutingContext ctx) {
    JsonArray types = new JsonArray();
    for (WorkflowSpec spec : specs.all()) {
      JsonArray tasks = new JsonArray();
      JsonArray edges = new JsonArray();
      for (TaskSpec t : spec.tasks()) {
        tasks.add(new JsonObject().put("task_type", t.taskType()).put("depends_on", new JsonArray(List.copyOf(t.dependsOn())))
            .put("max_attempts", t.maxAttempts()).put("timeout_s", t.timeoutSeconds())
            .put("params", new JsonObject(t.params().toString())));
        t.dependsOn().forEach(d -> edges.add(new JsonObject().put("from", d).put("to", t.taskType())));
      }
      types.add(new JsonObject().put("workflow_type", spec.workflowType()).put("description", spec.description())
          .put("tasks", tasks).put("edges", edges).put("result_of", new JsonArray(spec.sinks())));
    }
    sendJson(ctx, 200, new JsonObject().put("workflow_types", types).encode());
  }

  static ApiException notFoundWorkflow(long id) {
    return new ApiException(404, "not_found", null, "no workflow " + id);
  }

  static long pathId(RoutingContext ctx, String name) {
    String text = ctx.pathParam(name);
    if (text == null || !text.matches("[0-9]{1,18}") || Long.parseLong(text) == 0) {
      throw ApiException.badRequest(name, "must be a positive whole number, got \"" + text + "\"");
    }
    return Long.parseLong(text);
  }

  private static long queryLong(RoutingContext ctx, String name, long dflt, long min, long max) {
    String text = ctx.queryParams().get(name);
    if (text == null) {
      return dflt;
    }
    if (!text.matches("[0-9]{1,18}") || Long.parseLong(text) < min || Long.parseLong(text) > max) {
      throw ApiException.badRequest(name, "must be a whole number from " + min + " to " + max + ", got \"" + text + "\"");
    }
    return Long.parseLong(text);
  }

  static void sendJson(RoutingContext ctx, int status, String body) {
    ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
  }
}
