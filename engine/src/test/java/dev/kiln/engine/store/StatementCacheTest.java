package dev.kiln.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.engine.config.DatabaseUrl;
import dev.kiln.engine.db.Pools;
import dev.kiln.engine.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Kiln's statements are prepared once per connection and then only bound: the client's cache
 * refuses statements longer than its SQL limit, and such a statement is parsed and planned again
 * on every call (the finaliser was, at 2,398 characters against the default 2,048).
 */
class StatementCacheTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  /** Every SQL text the stores declare (their static String constants), found, not listed by hand. */
  private static List<String> storeStatements() throws IllegalAccessException {
    List<String> sql = new ArrayList<>();
    for (Class<?> store : List.of(TaskStore.class, WorkflowStore.class, ReadStore.class, SubmitBatcher.class)) {
      for (Field f : store.getDeclaredFields()) {
        if (f.getType() == String.class && Modifier.isStatic(f.getModifiers()) && Modifier.isFinal(f.getModifiers())) {
          f.setAccessible(true);
          sql.add((String) f.get(null));
        }
      }
    }
    return sql;
  }

  @Test
  void every_store_statement_fits_the_prepared_statement_cache() throws Exception {
    List<String> statements = storeStatements();
    assertThat(statements).contains(WorkflowStore.FINALIZE, TaskStore.CLAIM, TaskStore.COMPLETE_MANY);
    for (String sql : statements) {
      assertThat(sql.length()).as(sql).isLessThanOrEqualTo(DatabaseUrl.STATEMENT_CACHE_SQL_LIMIT);
    }
  }

  @Test
  void the_finaliser_is_prepared_once_and_kept_on_its_connection() {
    Pool pool = Pools.create(vertx, TestDatabase.create(), "kiln-cache-test", 1, Pools.Workload.API);
    SqlConnection connection = pool.getConnection().await();
    try {
      for (int i = 0; i < 2; i++) {
        connection.preparedQuery(WorkflowStore.FINALIZE)
            .execute(Tuple.of(new Long[] {-1L}, TaskStore.at(Instant.now()))).await();
      }
      long kept = connection.preparedQuery("SELECT count(*) FROM pg_prepared_statements WHERE statement = $1")
          .execute(Tuple.of(WorkflowStore.FINALIZE)).await().iterator().next().getLong(0);
      assertThat(kept).as("named prepared statements on the connection holding the finaliser").isEqualTo(1);
    } finally {
      connection.close().await();
    }
  }
}
