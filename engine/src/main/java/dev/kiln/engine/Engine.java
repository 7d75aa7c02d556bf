package dev.kiln.engine;

import dev.kiln.engine.config.DatabaseUrl;
import dev.kiln.engine.config.Role;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/** Deploys the engine's verticles for the roles a process runs. */
public final class Engine {
  private Engine() {}

  /**
   * Deploys the notification listener (if enabled and any role needs it), then the orchestrator
   * and worker verticles the config asks for; returns their deployment ids in deploy order.
   */
  public static Future<List<String>> deploy(Vertx vertx, EngineContext ctx, DatabaseUrl url) {
    List<String> ids = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    if (ctx.config().listen()) {
      chain = chain.compose(v -> vertx.deployVerticle(new NotificationsVerticle(url)).map(id -> ids.add(id)).mapEmpty());
    }
    if (ctx.config().runs(Role.ORCHESTRATOR)) {
      chain = chain.compose(v -> vertx.deployVerticle(new OrchestratorVerticle(ctx)).map(id -> ids.add(id)).mapEmpty());
    }
    if (ctx.config().runs(Role.WORKER)) {
      chain = chain.compose(v -> vertx.deployVerticle(new WorkerVerticle(ctx)).map(id -> ids.add(id)).mapEmpty());
    }
    return chain.map(v -> ids);
  }
}
