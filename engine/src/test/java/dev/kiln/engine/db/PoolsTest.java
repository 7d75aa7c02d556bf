package dev.kiln.engine.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.engine.config.DatabaseUrl;
import dev.kiln.engine.testing.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PoolsTest {
  private final Vertx vertx = Vertx.vertx();
  private final DatabaseUrl url = TestDatabase.server();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  /** The server process ids behind {@code pool}'s connections, {@code n} of them held at once. */
  private static Set<Long> backendPids(Pool pool, int n) {
    Set<Long> pids = new HashSet<>();
    List<SqlConnection> held = IntStream.range(0, n).mapToObj(i -> pool.getConnection().await()).toList();
    for (SqlConnection connection : held) {
      pids.add(connection.query("SELECT pg_backend_pid()").execute().await().iterator().next().getLong(0));
    }
    held.forEach(connection -> connection.close().await());
    return pids;
  }

  @Test
  void hands_each_new_connections_server_process_to_the_setup_before_using_it_and_names_the_sessions() {
    Set<Long> seen = ConcurrentHashMap.newKeySet();
    Pool pool = Pools.create(vertx, url, "kiln-pools-test", 3, Pools.Workload.API, Pools.Loop.OWN, Optional.of(seen::add));
    Set<Long> used = backendPids(pool, 3);
    assertThat(used).hasSize(3);
    assertThat(seen).as("every connection the pool handed out was set up first").containsAll(used);
    List<String> names = StreamSupport.stream(pool.preparedQuery(
            "SELECT application_name FROM pg_stat_activity WHERE pid = ANY($1)")
        .execute(Tuple.of(used.toArray(Long[]::new))).await().spliterator(), false)
        .map(row -> row.getString(0)).toList();
    assertThat(names).containsOnly("kiln-pools-test").hasSize(3);
  }

  @Test
  void a_failing_setup_is_logged_and_the_connection_is_used_all_the_same() {
    Pool pool = Pools.create(vertx, url, "kiln-pools-test", 2, Pools.Workload.API, Pools.Loop.OWN, Optional.of(pid -> {
      throw new IllegalStateException("no priority for " + pid);
    }));
    Row row = pool.query("SELECT 41 + 1").execute().await().iterator().next();
    assertThat(row.getInteger(0)).isEqualTo(42);
    assertThat(backendPids(pool, 2)).hasSize(2);
  }

  @Test
  void a_pool_on_its_callers_loop_does_its_network_work_on_the_loop_of_the_verticle_that_opened_it() {
    Set<String> connectionLoops = ConcurrentHashMap.newKeySet();
    // The setup runs on a worker thread of the connection's context; that context's own tasks run on
    // the event loop that reads and writes the connection.
    Pool pool = Pools.create(vertx, url, "kiln-pools-test", 2, Pools.Workload.API, Pools.Loop.CALLERS,
        Optional.of(pid -> {
          CompletableFuture<String> loop = new CompletableFuture<>();
          Vertx.currentContext().runOnContext(v -> loop.complete(Thread.currentThread().getName()));
          connectionLoops.add(loop.join());
        }));
    CompletableFuture<String> verticleLoop = new CompletableFuture<>();
    vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        verticleLoop.complete(Thread.currentThread().getName());
        return pool.query("SELECT 1").execute();
      }
    }).await();
    assertThat(verticleLoop.join()).startsWith("vert.x-eventloop-thread-");
    assertThat(connectionLoops).containsExactly(verticleLoop.join());
  }
}
