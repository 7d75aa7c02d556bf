package dev.kiln.api;

import dev.kiln.engine.BackgroundPriority;
import dev.kiln.engine.Engine;
import dev.kiln.engine.EngineContext;
import dev.kiln.engine.config.ConfigException;
import dev.kiln.engine.config.DatabaseUrl;
import dev.kiln.engine.config.KilnConfig;
import dev.kiln.engine.config.Role;
import dev.kiln.engine.db.EmbeddedDatabase;
import dev.kiln.engine.db.Migrations;
import dev.kiln.engine.db.Pools;
import dev.kiln.engine.spec.SpecException;
import dev.kiln.engine.spec.WorkflowSpecs;
import dev.kiln.engine.store.StoredInput;
import dev.kiln.handlers.HandlerRegistry;
import java.time.Clock;
import java.time.Duration;
import io.vertx.core.Future;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Kiln process: its database (embedded or not), migrations, Vert.x and the verticles
 * of its roles. {@link #start} blocks until everything listens; {@link #close} undoes it in reverse.
 */
public final class Kiln implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Kiln.class);

  private final KilnConfig config;
  private final Optional<EmbeddedDatabase> embedded;
  private final DatabaseUrl databaseUrl;
  private final Vertx vertx;
  private final ProcessPools pools;
  private final List<String> deployments;
  private final int httpPort;
  private volatile boolean closed;

  private Kiln(KilnConfig config, Optional<EmbeddedDatabase> embedded, DatabaseUrl databaseUrl, Vertx vertx,
      ProcessPools pools, List<String> deployments, int httpPort) {
    this.config = config;
    this.embedded = embedded;
    this.databaseUrl = databaseUrl;
    this.vertx = vertx;
    this.pools = pools;
    this.deployments = deployments;
    this.httpPort = httpPort;
  }

  /** Starts a process with {@code config}; blocking, so call it from main or a test thread. */
  public static Kiln start(KilnConfig config) {
    Optional<EmbeddedDatabase> embedded = config.databaseUrl().isPresent()
        ? Optional.empty()
        : Optional.of(EmbeddedDatabase.start(config.dataDir()));
    DatabaseUrl url = config.databaseUrl().orElseGet(() -> embedded.orElseThrow().url());
    Vertx vertx = null;
    try {
      HandlerRegistry handlers = HandlerRegistry.builtIn();
      WorkflowSpecs specs;
      try {
        specs = WorkflowSpecs.load(handlers, config.workflowsDir());
      } catch (SpecException e) {
        throw new ConfigException(KilnConfig.WORKFLOWS_DIR.env(), "workflow spec refused: " + e.getMessage());
      }
      StoredInput.requireNativeLibrary();
      // The JIT's threads compile for the first minute or two of load; let the event loops go first.
      new BackgroundPriority(config.backgroundNice()).applyToJitCompilers();
      String schema = Migrations.migrate(url);
      PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      vertx = Vertx.builder()
          .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
              .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true).setPublishQuantiles(true))))
          .withMetrics(new MicrometerMetricsFactory(metrics))
          .build();
      ProcessPools pools = pools(vertx, url, config, embedded.isPresent());
      Clock clock = Clock.systemUTC();
      EngineContext engine = new EngineContext(config, pools.engine(), specs, handlers, clock, EngineContext.newNodeId(),
          metrics);
      List<String> deployments = new ArrayList<>(await(Engine.deploy(vertx, engine, url)));
      int port = -1;
      if (config.runs(Role.API)) {
        ApiVerticle api = new ApiVerticle(config, pools.api(), pools.events(), specs, clock, metrics);
        deployments.add(await(vertx.deployVerticle(api)));
        port = api.actualPort();
      }
      Kiln kiln = new Kiln(config, embedded, url, vertx, pools, deployments, port);
      // The heap limit, because without -Xmx the JVM picks a quarter of RAM and an operator
      // sizing a machine should see which one this process got.
      log.info("Kiln started: roles {}; {}database {} (schema v{}); heap up to {} MB; {}",
          config.roles().stream().map(Role::id).collect(Collectors.joining(",")),
          embedded.isPresent() ? "embedded " : "", url.redacted(), schema,
          Runtime.getRuntime().maxMemory() >> 20,
          port >= 0 ? "listening on http://" + config.httpHost() + ":" + port : "no HTTP (api role not run)");
      return kiln;
    } catch (RuntimeException e) {
      if (vertx != null) {
        try {
          vertx.close().await(30, TimeUnit.SECONDS);
        } catch (Exception closeFailure) {
          e.addSuppressed(closeFailure);
        }
      }
      embedded.ifPresent(EmbeddedDatabase::close);
      throw e;
    }
  }

  /**
   * The API's pool (durable commits), the live streams' one connection, and the engine roles' pool
   * (commits not awaited).
   */
  record ProcessPools(Pool api, Pool events, Pool engine) {
    Future<Void> close() {
      return Future.all(api.close(), events.close(), engine.close()).mapEmpty();
    }
  }

  /**
   * The process's pools, sharing KILN_DB_POOL_SIZE connections: a quarter (at least 2) for the
   * API when the process runs both. A pool the process's roles never use opens no connection.
   *
   * <p>The live streams' reader of task_history gets one connection of its own, on top: under load
   * it reads on nearly every notification, and in the API's pool it held one of the connections
   * that status reads wait for (with two more taken by submissions, they queued for up to 45 ms).
   *
   * <p>The API's pool does its network work on the HTTP verticle's event loop, the only one that
   * uses it ({@link Pools.Loop#CALLERS}): with a loop of its own, a status read woke two more
   * threads, each waiting for a core on a saturated machine (status p99 median 48 ms against 40,
   * interleaved, 9 runs each; the pool's waits over 7 ms went from 7-15 a run to 0-1).
   *
   * <p>When Kiln runs its own PostgreSQL ({@code ownServer}), the server processes behind the
   * engine's sessions get KILN_BACKGROUND_NICE, as the handler threads do: the engine's claims,
   * completions and result writes then yield the cores to the event loops and the API's sessions.
   * A server Kiln does not own is left alone: its process ids are not this machine's to look up.
   */
  static ProcessPools pools(Vertx vertx, DatabaseUrl url, KilnConfig config, boolean ownServer) {
    int size = config.databasePoolSize();
    boolean api = config.runs(Role.API);
    boolean engine = config.runs(Role.ORCHESTRATOR) || config.runs(Role.WORKER);
    int apiSize = api && engine ? Math.max(2, size / 4) : size;
    int engineSize = api && engine ? Math.max(2, size - apiSize) : size;
    Optional<LongConsumer> engineServerProcess = ownServer
        ? Optional.of(new BackgroundPriority(config.backgroundNice())::applyToProcess)
        : Optional.empty();
    return new ProcessPools(
        Pools.create(vertx, url, "kiln-api", apiSize, Pools.Workload.API, Pools.Loop.CALLERS),
        Pools.create(vertx, url, "kiln-events", 1, Pools.Workload.API),
        Pools.create(vertx, url, "kiln-engine", engineSize, Pools.Workload.ENGINE, Pools.Loop.OWN,
            engineServerProcess));
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.await(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
  }

  public int httpPort() {
    return httpPort;
  }

  public DatabaseUrl databaseUrl() {
    return databaseUrl;
  }

  public KilnConfig config() {
    return config;
  }

  /** The process's pools (tests reach in to exhaust one). */
  ProcessPools pools() {
    return pools;
  }

  public Vertx vertx() {
    return vertx;
  }

  /**
   * Stops Kiln gracefully when the JVM is asked to exit (SIGTERM, Ctrl-C). The embedded database,
   * if any, then stops after Kiln has, not beside it.
   */
  public void closeOnExit() {
    Runtime.getRuntime().addShutdownHook(new Thread(this::close, "kiln-shutdown"));
    embedded.ifPresent(db -> db.ownerStopsOnExit(stopLimit().plusSeconds(30)));
  }

  /** How long a graceful stop may take: the workers' grace period, then a minute for the rest. */
  private Duration stopLimit() {
    return config.shutdownGrace().plusSeconds(60);
  }

  /** Graceful stop: verticles first, API before engine (so nothing new arrives), last deployed
   * first; workers hand back what is in flight; then the pools and the database. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    log.info("Kiln stopping");
    try {
      Future<Void> chain = Future.succeededFuture();
      for (int i = deployments.size() - 1; i >= 0; i--) {
        String id = deployments.get(i);
        chain = chain.compose(v -> vertx.undeploy(id));
      }
      chain
          .eventually(pools::close)
          .eventually(vertx::close)
          .await(stopLimit().toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("Kiln did not stop cleanly: {}", e.toString());
    }
    embedded.ifPresent(EmbeddedDatabase::close);
    log.info("Kiln stopped");
  }
}
