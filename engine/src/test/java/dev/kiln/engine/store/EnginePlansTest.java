package dev.kiln.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.engine.config.DatabaseUrl;
import dev.kiln.engine.db.Pools;
import dev.kiln.engine.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine's pool plans each statement once per connection ({@link Pools.Plans#GENERIC}), so a
 * statement's one plan must be right whatever its values: every statement the engine's stores
 * declare is planned here, generically, against tables of a size where a scan of the whole table
 * would show, with statistics taken when no workflow was running (a quiet moment; the plans stay
 * until the statistics change).
 */
class EnginePlansTest {
  private static final Vertx vertx = Vertx.vertx();
  private static DatabaseUrl url;
  private static Pool engine;

  @BeforeAll
  static void populate() {
    url = TestDatabase.create();
    engine = Pools.create(vertx, url, "kiln-engine", 1, Pools.Commits.NOT_AWAITED, Pools.Loop.OWN,
        Pools.Plans.GENERIC, Optional.empty());
    engine.query("""
        INSERT INTO workflows (workflow_type, status, input, created_at, updated_at, started_at, finished_at, result, verdict)
        SELECT 'manufacturing_analysis', 'completed', '{}', now(), now(), now(), now(), '{}'::json, 'PASS'
        FROM generate_series(1, 20000);
        INSERT INTO tasks (workflow_id, task_type, status, depends_on, deps_remaining, output, attempts, finished_at)
        SELECT w.id, t.task_type, 'completed', t.depends_on, 0, '{}'::json, 1, now()
        FROM workflows w CROSS JOIN (VALUES ('detect_outliers', '{}'::text[]), ('analyze_trends', '{}'),
            ('synthesize', '{detect_outliers,analyze_trends}'), ('verdict', '{synthesize}')) AS t(task_type, depends_on);
        INSERT INTO workflows (workflow_type, input) SELECT 'manufacturing_analysis', '{}' FROM generate_series(1, 20);
        ANALYZE;
        """).execute().await();
  }

  @AfterAll
  static void close() {
    vertx.close().await();
  }

  /** The SQL of every statement TaskStore and WorkflowStore declare, by name (found, not listed). */
  private static Map<String, String> engineStatements() throws IllegalAccessException {
    Map<String, String> sql = new LinkedHashMap<>();
    for (Class<?> store : new Class<?>[] {TaskStore.class, WorkflowStore.class}) {
      for (Field f : store.getDeclaredFields()) {
        if (f.getType() == String.class && Modifier.isStatic(f.getModifiers()) && Modifier.isFinal(f.getModifiers())) {
          f.setAccessible(true);
          String text = (String) f.get(null);
          if (text.contains("$1")) {
            sql.put(store.getSimpleName() + "." + f.getName(), text);
          }
        }
      }
    }
    return sql;
  }

  private static final Pattern PARAMETER = Pattern.compile("\\$(\\d+)");

  /** The plan the server keeps for {@code sql} on a connection of the engine's pool. */
  private static String genericPlan(SqlConnection connection, String name, String sql) {
    Matcher m = PARAMETER.matcher(sql);
    int parameters = 0;
    while (m.find()) {
      parameters = Math.max(parameters, Integer.parseInt(m.group(1)));
    }
    String nulls = String.join(", ", Collections.nCopies(parameters, "NULL"));
    connection.query("PREPARE " + name + " AS " + sql).execute().await();
    try {
      return StreamSupport.stream(connection.query("EXPLAIN EXECUTE " + name + "(" + nulls + ")").execute().await().spliterator(), false)
          .map(row -> row.getString(0))
          .collect(Collectors.joining("\n"));
    } finally {
      connection.query("DEALLOCATE " + name).execute().await();
    }
  }

  @Test
  void the_engines_sessions_plan_generically() {
    String mode = engine.query("SHOW plan_cache_mode").execute().await().iterator().next().getString(0);
    assertThat(mode).isEqualTo("force_generic_plan");
  }

  @Test
  void no_engine_statement_scans_a_whole_table_and_the_finaliser_goes_by_key() throws Exception {
    Map<String, String> statements = engineStatements();
    assertThat(statements).containsKeys("TaskStore.CLAIM", "TaskStore.COMPLETE_MANY", "WorkflowStore.EXPAND",
        "WorkflowStore.FINALIZE", "WorkflowStore.PURGE_FINISHED");
    SqlConnection connection = engine.getConnection().await();
    try {
      Map<String, String> plans = new LinkedHashMap<>();
      int n = 0;
      for (Map.Entry<String, String> statement : statements.entrySet()) {
        plans.put(statement.getKey(), genericPlan(connection, "kiln_plan_" + n++, statement.getValue()));
      }
      plans.forEach((name, plan) -> assertThat(plan).as(name + "\n" + plan)
          .doesNotContainPattern("Seq Scan on (workflows|tasks|task_history|task_logs)\\b"));
      // The finaliser's rows by their ids, not every running workflow filtered by id (which is what
      // a plan made now, with no workflow running, did while the status stood in its condition).
      assertThat(plans.get("WorkflowStore.FINALIZE")).containsPattern("Index Cond: \\(id = ANY \\(\\$1\\)\\)");
    } finally {
      connection.close().await();
    }
  }

  @Test
  void a_claim_is_planned_once_per_connection() {
    SqlConnection connection = engine.getConnection().await();
    try {
      Instant now = Instant.now();
      for (int i = 0; i < 7; i++) {
        connection.preparedQuery(TaskStore.CLAIM).execute(Tuple.of(TaskStore.at(now), 4, "plans-test",
            TaskStore.at(now.plus(30, ChronoUnit.SECONDS)), new String[] {"detect_outliers"})).await();
      }
      Row plans = connection.preparedQuery(
              "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = $1")
          .execute(Tuple.of(TaskStore.CLAIM)).await().iterator().next();
      assertThat(plans.getLong("custom_plans")).as("plans made for one call's values").isZero();
      assertThat(plans.getLong("generic_plans")).as("calls that used the connection's one plan").isEqualTo(7);
    } finally {
      connection.close().await();
    }
  }
}
