package dev.kiln.engine;

import dev.kiln.engine.config.DatabaseUrl;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.pubsub.PgSubscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's one LISTEN connection: turns PostgreSQL notifications into local {@link Wake}s.
 * It reconnects by itself; after every (re)subscription it wakes everything, because notifications
 * sent while it was away are lost (the roles' polls would catch up anyway, only later).
 */
public final class NotificationsVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(NotificationsVerticle.class);
  public static final String CHANNEL = "kiln";

  private final DatabaseUrl url;
  private PgSubscriber subscriber;
  private volatile boolean stopping;

  public NotificationsVerticle(DatabaseUrl url) {
    this.url = url;
  }

  @Override
  public Future<?> start() {
    subscriber = PgSubscriber.subscriber(vertx, url.connectOptions().addProperty("application_name", "kiln-listen"))
        .reconnectPolicy(retries -> stopping ? -1L : Math.min(100L * (1L << Math.min(retries, 5)), 2_000L));
    subscriber.closeHandler(v -> {
      if (!stopping) {
        log.warn("LISTEN connection to {} lost; reconnecting", url.redacted());
      }
    });
    subscriber.channel(CHANNEL)
        .handler(payload -> {
          try {
            Wake.parse(payload).publish(vertx);
          } catch (RuntimeException e) {
            log.warn("ignoring malformed notification payload '{}': {}", payload, e.toString());
          }
        })
        .subscribeHandler(v -> Wake.everything().publish(vertx));
    return subscriber.connect();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    return subscriber.close();
  }
}
