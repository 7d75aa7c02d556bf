package dev.kiln.api;

import dev.kiln.engine.config.KilnConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP face of Kiln: REST endpoints, and later live streams and the web UI. */
public final class ApiVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(ApiVerticle.class);

  private final KilnConfig config;
  private final Pool pool;
  private volatile int actualPort = -1;

  public ApiVerticle(KilnConfig config, Pool pool) {
    this.config = config;
    this.pool = pool;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/health").handler(ctx -> ctx.json(new JsonObject().put("status", "up")));
    router.get("/ready").handler(this::ready);
    return vertx.createHttpServer()
        .requestHandler(router)
        .listen(config.httpPort(), config.httpHost())
        .map(HttpServer::actualPort)
        .onSuccess(port -> actualPort = port);
  }

  /** The port the server listens on once started (differs from the setting when that is 0). */
  public int actualPort() {
    return actualPort;
  }

  private void ready(RoutingContext ctx) {
    pool.query("SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank DESC LIMIT 1")
        .execute()
        .map(rows -> {
          Row row = rows.iterator().hasNext() ? rows.iterator().next() : null;
          return row == null ? null : row.getString("version");
        })
        .onSuccess(version -> {
          if (version == null) {
            ctx.response().setStatusCode(503);
            ctx.json(new JsonObject().put("status", "not_ready").put("database", "up").put("reason", "no migrations applied"));
          } else {
            ctx.json(new JsonObject().put("status", "ready").put("database", "up").put("schema_version", version));
          }
        })
        .onFailure(err -> {
          log.warn("readiness check failed: {}", err.toString());
          ctx.response().setStatusCode(503);
          ctx.json(new JsonObject().put("status", "not_ready").put("database", "down"));
        });
  }
}
