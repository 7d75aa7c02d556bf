package dev.kiln.engine.db;

import dev.kiln.engine.config.DatabaseUrl;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.ClientBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.Optional;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a process's PostgreSQL pools: one for the API, whose commits are durable, and one for the
 * engine roles, whose commits are not waited for and whose plans are made once per connection (see
 * {@link Workload}). Verticles never open their own.
 */
public final class Pools {
  private static final Logger log = LoggerFactory.getLogger(Pools.class);

  private Pools() {}

  /** What a pool serves, which sets how its commits and its plans work. */
  public enum Workload {
    /**
     * The API's reads and writes. Commits keep the server's own setting, on unless its operator
     * chose otherwise (and left alone, so a stronger one such as remote_apply is kept): a 201 for
     * a workflow, a cancel or a retry must survive a power cut. Plans are the server's choice (generic
     * plans for every session, the API's included, measured no better in the nineteenth session).
     */
    API,
    /**
     * The engine's bookkeeping (expansions, claims, completions, finalisations, rescues).
     *
     * <p>{@code synchronous_commit = off}: a crash of the machine can lose its last few hundred
     * milliseconds, never corrupt anything, and what it loses is redone: an expansion or a
     * finalisation by the poll, a task by lease expiry (at-least-once already). WAL is replayed in
     * order, so a durable commit also makes every earlier one durable.
     *
     * <p>{@code plan_cache_mode = force_generic_plan}: each statement is planned once per
     * connection. The server otherwise planned the claim afresh on every call, because its generic
     * plan's estimated cost (with the limit and the time unknown) stayed above that of the plans
     * made for each call's values, though both are the same index scan of tasks_ready_idx. That
     * planning took longer than the claim itself (0.56-0.66 ms against 0.42-0.50 per call, seven
     * claims per idle tiny workflow, four of them on its critical path). Every other engine statement was
     * already on its generic plan from the sixth call on.
     */
    ENGINE
  }

  /** Which event loop does a pool's network work: reading and writing its connections. */
  public enum Loop {
    /**
     * One event loop of the pool's own, whoever calls it. For a pool several roles share: by
     * default each connection stays on the event loop that first opened it, often the HTTP
     * verticle's, and would carry every role's traffic there. (Two loops of their own for one pool
     * measured the same throughput and held 70 MB more after a 14 MB input.)
     */
    OWN,
    /**
     * The event loop of the verticle that opens each connection. For a pool one verticle uses
     * alone, the API's: a status read then goes from the HTTP request to PostgreSQL and back
     * without waking another thread on the way out and on the way back, and each such wake-up
     * waits for a core when the machine is saturated.
     */
    CALLERS
  }

  /** A pool on an event loop of its own ({@link Loop#OWN}). Connections open on first use, so a
   * pool a process's roles never use costs none. */
  public static Pool create(Vertx vertx, DatabaseUrl url, String name, int size, Workload workload) {
    return create(vertx, url, name, size, workload, Loop.OWN, Optional.empty());
  }

  /** Like {@link #create(Vertx, DatabaseUrl, String, int, Workload)}, on the given loop. */
  public static Pool create(Vertx vertx, DatabaseUrl url, String name, int size, Workload workload, Loop loop) {
    return create(vertx, url, name, size, workload, loop, Optional.empty());
  }

  /**
   * Like {@link #create(Vertx, DatabaseUrl, String, int, Workload, Loop)}; with {@code serverProcess},
   * each new connection's server process id (pg_backend_pid) is handed to it, on a worker thread,
   * before the pool hands the connection out. If that fails, the connection is used all the same.
   * Only for a server Kiln runs itself: the id is only meaningful on the server's machine.
   */
  public static Pool create(Vertx vertx, DatabaseUrl url, String name, int size, Workload workload, Loop loop,
      Optional<LongConsumer> serverProcess) {
    PgConnectOptions connect = url.connectOptions();
    // Names the pool's sessions in pg_stat_activity, so an operator can tell what each one serves.
    connect.addProperty("application_name", name);
    // Every statement Kiln runs reaches its rows through an index by key, status or cursor. No
    // statement should ever scan a whole table (see FreshTablePlansTest). The planner can still pick
    // such a scan from statistics that are stale, and a fresh database has none for its first
    // minute (autovacuum_naptime). A prepared statement's plan made then is kept: after five calls
    // the server caches a generic plan, and only an ANALYZE replaces it. The statements the history
    // triggers run keep theirs too. Made while the tables held a few rows, those plans seq-scanned
    // tasks on every completion batch and every trigger call. Server CPU per 5,000 tiny workflows
    // grew run after run (6, 10, 12, then 14-17 s) as the table filled up. With seq scans off it
    // stayed at 6-9 s. "off" only prices a seq scan out while an index path exists, so a query
    // with no such path still runs.
    connect.addProperty("enable_seqscan", "off");
    if (workload == Workload.ENGINE) {
      // Startup parameters: set per connection, whatever the server's defaults.
      connect.addProperty("synchronous_commit", "off");
      connect.addProperty("plan_cache_mode", "force_generic_plan");
    }
    ClientBuilder<Pool> builder = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(size).setName(name).setShared(true).setMaxWaitQueueSize(10_000)
            .setEventLoopSize(loop == Loop.OWN ? 1 : 0))
        .connectingTo(connect)
        .using(vertx);
    serverProcess.ifPresent(setup -> builder.withConnectHandler(connection -> connection
        .query("SELECT pg_backend_pid()").execute()
        .compose(rows -> vertx.executeBlocking(() -> {
          setup.accept(rows.iterator().next().getInteger(0));
          return null;
        }, false))
        .onFailure(e -> log.warn("setting up {}'s server process failed: {}", name, e.toString()))
        // Closing hands the connection to the pool, whatever happened above.
        .onComplete(done -> connection.close())));
    return builder.build();
  }
}
