package dev.kiln.engine.db;

import dev.kiln.engine.config.DatabaseUrl;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** Builds the one shared PostgreSQL pool a process uses; verticles never open their own. */
public final class Pools {
  private Pools() {}

  /**
   * The pool's connections live on two event loops of their own (by default each would stay on
   * the event loop that first opened it, often the HTTP one, and carry every role's traffic there).
   */
  public static Pool create(Vertx vertx, DatabaseUrl url, int size) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(size).setName("kiln").setShared(true).setMaxWaitQueueSize(10_000).setEventLoopSize(2))
        .connectingTo(url.connectOptions())
        .using(vertx)
        .build();
  }
}
