package dev.kiln.api;

import dev.kiln.engine.BackgroundPriority;
import dev.kiln.engine.config.KilnConfig;
import dev.kiln.engine.spec.WorkflowSpecs;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.net.ConnectException;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP face of Kiln: REST endpoints, live event streams, health. */
public final class ApiVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(ApiVerticle.class);

  private final KilnConfig config;
  private final Pool pool;
  private final Pool eventsPool;
  private final WorkflowSpecs specs;
  private final Clock clock;
  private final PrometheusMeterRegistry metrics;
  /** The backlog gauges, by column of {@link #BACKLOG}. */
  private final Map<String, AtomicLong> backlog = new ConcurrentHashMap<>();
  private EventHub events;
  private Router router;
  private volatile int actualPort = -1;

  /**
   * {@code pool} serves requests; {@code eventsPool} (one connection is enough) the live streams'
   * reading of task_history, so that it never makes a request wait for a connection.
   */
  public ApiVerticle(KilnConfig config, Pool pool, Pool eventsPool, WorkflowSpecs specs, Clock clock,
      PrometheusMeterRegistry metrics) {
    this.config = config;
    this.pool = pool;
    this.eventsPool = eventsPool;
    this.specs = specs;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** A route as the router knows it, for the OpenAPI consistency test. */
  public record RouteInfo(String method, String path) {}

  @Override
  public Future<?> start() {
    WorkflowRoutes api = new WorkflowRoutes(vertx, pool, specs, clock, config.maxValues(),
        new BackgroundPriority(config.backgroundNice()));
    events = new EventHub(vertx, eventsPool, config.pollInterval().toMillis());
    router = Router.router(vertx);
    if (!config.corsOrigins().isEmpty()) {
      CorsHandler cors = config.corsOrigins().contains("*") ? CorsHandler.create()
          : CorsHandler.create().addOrigins(config.corsOrigins());
      router.route().handler(cors.allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST))
          .allowedHeaders(Set.of("Content-Type", "Authorization", "Idempotency-Key", "Last-Event-ID"))
          .exposedHeaders(Set.of("Location")));
    }
    router.get("/health").handler(ctx -> ctx.json(new JsonObject().put("status", "up")));
    router.get("/ready").handler(this::ready);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(metrics));

    // Preallocated from Content-Length (Vert.x caps that at 64 KB): fewer regrowth copies of a
    // large body.
    BodyHandler body = BodyHandler.create(false).setBodyLimit(config.maxBodyBytes()).setPreallocateBodyBuffer(true);
    router.post("/workflow").handler(body).handler(this::requireToken).handler(api::submit);
    router.get("/status/:id").handler(this::requireTokenForReads).handler(api::status);
    router.get("/results/:id").handler(this::requireTokenForReads).handler(api::results);
    router.get("/workflows").handler(this::requireTokenForReads).handler(api::list);
    router.post("/workflows/:id/cancel").handler(this::requireToken).handler(api::cancel);
    router.post("/workflows/:id/retry").handler(this::requireToken).handler(api::retry);
    router.get("/workflows/:id/input").handler(this::requireTokenForReads).handler(api::input);
    router.get("/workflows/:id/tasks/:task_type/logs").handler(this::requireTokenForReads).handler(api::logs);
    router.get("/workflows/:id/events").handler(this::requireTokenForReads)
        .handler(ctx -> events.streamWorkflow(ctx, WorkflowRoutes.pathId(ctx, "id")));
    router.get("/events").handler(this::requireTokenForReads).handler(events::streamAll);
    router.get("/workflow-types").handler(api::workflowTypes);
    router.get("/openapi.json").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
        .sendFile("openapi.json"));
    // The web UI (webui/, packed into the jar under webroot/): index.html at /, assets under /assets/.
    // Asset names carry a content hash, so browsers may keep them; index.html is revalidated every
    // time, so an upgraded Kiln never serves a page that points at assets it no longer has.
    router.route("/assets/*").handler(StaticHandler.create("webroot/assets").setMaxAgeSeconds(365L * 24 * 3600));
    router.route("/*").handler(StaticHandler.create("webroot").setMaxAgeSeconds(0));
    router.route().last().handler(ctx -> ctx.fail(new ApiException(404, "not_found", null,
        "no endpoint " + ctx.request().method() + " " + ctx.request().path())));
    router.route().failureHandler(this::failure);

    registerGauges();
    return events.start()
        .compose(v -> vertx.createHttpServer(serverOptions()).requestHandler(router)
            .listen(config.httpPort(), config.httpHost()))
        .map(HttpServer::actualPort)
        .onSuccess(port -> actualPort = port);
  }

  /**
   * HTTP/1.1 only: no cleartext HTTP/2 upgrade (h2c). Java's HttpClient asks for that upgrade on
   * every new plain-http connection by default, and with Vert.x 5.0.7 answering it, about one large
   * response in twenty (the 180 KB of /metrics) reached the client as HTTP/1.1 bytes read as HTTP/2
   * frames: "ProtocolException: protocol error: Frame type(108) length(7086636) exceeds
   * MAX_FRAME_SIZE". Without the upgrade such clients stay on HTTP/1.1, as curl and browsers do here.
   */
  static HttpServerOptions serverOptions() {
    return new HttpServerOptions().setHttp2ClearTextEnabled(false);
  }

  @Override
  public Future<?> stop() {
    if (events != null) {
      events.stop();
    }
    return Future.succeededFuture();
  }

  /** The port the server listens on once started (differs from the setting when that is 0). */
  public int actualPort() {
    return actualPort;
  }

  /** Every method and path the router serves (the catch-all and failure routes excluded). */
  public List<RouteInfo> routes() {
    List<RouteInfo> out = new ArrayList<>();
    for (Route r : router.getRoutes()) {
      if (r.getPath() == null || r.methods() == null) {
        continue;
      }
      for (HttpMethod m : r.methods()) {
        out.add(new RouteInfo(m.name(), r.getPath()));
      }
    }
    return out;
  }

  /**
   * The backlog: what is queued or in progress, each count read on an index whose size follows the
   * backlog, never the history (a count over all tasks by status took 150 ms per refresh at
   * 150,000 tasks and kept growing). Finished work is counted by kiln_task_duration_seconds.
   */
  private static final String BACKLOG = """
      SELECT (SELECT count(*) FROM tasks WHERE status = 'pending' AND deps_remaining = 0) AS tasks_ready,
             (SELECT count(*) FROM tasks WHERE lease_expires_at IS NOT NULL) AS tasks_running, -- on tasks_lease_idx
             (SELECT count(*) FROM workflows WHERE status = 'pending') AS workflows_pending,
             (SELECT count(*) FROM workflows WHERE status = 'running') AS workflows_running
      """;

  /** The backlog gauges (refreshed by one query every 10 s, not per scrape) and SSE clients. */
  private void registerGauges() {
    String tasks = "Tasks ready to run and not yet claimed (ready), or claimed and not finished (running)";
    gauge("kiln.tasks", "ready", "tasks_ready", tasks);
    gauge("kiln.tasks", "running", "tasks_running", tasks);
    String workflows = "Workflows not yet expanded into tasks (pending), or in progress (running)";
    gauge("kiln.workflows", "pending", "workflows_pending", workflows);
    gauge("kiln.workflows", "running", "workflows_running", workflows);
    Gauge.builder("kiln.sse.clients", events, EventHub::clients).description("Connected Server-Sent Events clients")
        .register(metrics);
    FunctionCounter.builder("kiln.sse.history.reads", events, EventHub::historyReads)
        .description("Reads of task_history for live streams (none while no client is connected)")
        .register(metrics);
    refreshBacklog();
    vertx.setPeriodic(10_000, id -> refreshBacklog());
  }

  private void gauge(String name, String status, String column, String description) {
    AtomicLong value = backlog.computeIfAbsent(column, c -> new AtomicLong());
    Gauge.builder(name, value, AtomicLong::get).description(description).tag("status", status).register(metrics);
  }

  private void refreshBacklog() {
    pool.query(BACKLOG).execute()
        .onSuccess(rows -> {
          Row r = rows.iterator().next();
          backlog.forEach((column, value) -> value.set(r.getLong(column)));
        })
        .onFailure(err -> log.debug("backlog gauges not refreshed: {}", err.toString()));
  }

  private void requireToken(RoutingContext ctx) {
    if (config.apiToken().isEmpty() || tokenMatches(ctx, config.apiToken().get())) {
      ctx.next();
    } else {
      ctx.fail(new ApiException(401, "unauthorized", "Authorization", "send Authorization: Bearer <KILN_API_TOKEN>"));
    }
  }

  private void requireTokenForReads(RoutingContext ctx) {
    if (config.apiTokenForReads()) {
      requireToken(ctx);
    } else {
      ctx.next();
    }
  }

  private static boolean tokenMatches(RoutingContext ctx, String token) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    // Constant-time comparison: the token is a secret.
    return MessageDigest.isEqual(header.substring(7).strip().getBytes(StandardCharsets.UTF_8),
        token.getBytes(StandardCharsets.UTF_8));
  }

  /** The one place exceptions become HTTP responses. Causes are logged, never sent. */
  private void failure(RoutingContext ctx) {
    Throwable err = ctx.failure();
    int status = ctx.statusCode();
    ApiException answer;
    if (err instanceof ApiException api) {
      answer = api;
    } else if (status == 413) {
      answer = new ApiException(413, "body_too_large", "$",
          "the body is larger than KILN_MAX_BODY_BYTES (" + config.maxBodyBytes() + " bytes)");
    } else if (err == null && status >= 400 && status < 500) {
      answer = new ApiException(status, status == 404 ? "not_found" : "bad_request", null, null);
    } else if (isDatabaseUnavailable(err)) {
      log.warn("{} {}: database unavailable: {}", ctx.request().method(), ctx.request().path(), String.valueOf(err));
      answer = new ApiException(503, "database_unavailable", null, "the database is unreachable; try again shortly");
      ctx.response().putHeader("Retry-After", "1");
    } else {
      log.error("{} {} failed", ctx.request().method(), ctx.request().path(), err);
      answer = new ApiException(500, "internal_error", null, "unexpected error; it has been logged");
    }
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    ctx.response().setStatusCode(answer.status()).putHeader("Content-Type", "application/json")
        .end(answer.body().encode());
  }

  private static boolean isDatabaseUnavailable(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof ConnectException || t instanceof io.vertx.core.VertxException && String.valueOf(t.getMessage())
          .toLowerCase().contains("connection")
          || t.getClass().getName().contains("ClosedConnection")
          || t instanceof PgException pg && pg.getSqlState() != null
              && (pg.getSqlState().startsWith("08") || pg.getSqlState().startsWith("57P"))) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private void ready(RoutingContext ctx) {
    pool.query("SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank DESC LIMIT 1")
        .execute()
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("version"))
        .onSuccess(version -> {
          if (version == null) {
            ctx.response().setStatusCode(503);
            ctx.json(new JsonObject().put("status", "not_ready").put("database", "up").put("reason", "no migrations applied"));
          } else {
            ctx.json(new JsonObject().put("status", "ready").put("database", "up").put("schema_version", version)
                .put("sse_clients", events.clients()));
          }
        })
        .onFailure(err -> {
          log.warn("readiness check failed: {}", err.toString());
          ctx.response().setStatusCode(503);
          ctx.json(new JsonObject().put("status", "not_ready").put("database", "down"));
        });
  }
}
