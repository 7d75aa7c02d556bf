package dev.kiln.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.engine.config.DatabaseUrl;
import dev.kiln.engine.db.Pools;
import dev.kiln.engine.spec.WorkflowSpec;
import dev.kiln.engine.spec.WorkflowSpecs;
import dev.kiln.engine.testing.Handlers;
import dev.kiln.engine.testing.TestDatabase;
import dev.kiln.handlers.HandlerRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A new database has no statistics until autovacuum's first round (a minute by default). A plan
 * made meanwhile sees tables of a few pages, where reading a whole table looks cheapest. The server
 * keeps such a plan: a prepared statement's generic plan, and every statement of the history
 * triggers, until an ANALYZE. By then the tables are large, and each call still reads them whole.
 * Kiln's sessions (every pool {@link Pools} builds) must reach their rows by index even then.
 */
class FreshTablePlansTest {
  private static final Vertx vertx = Vertx.vertx();
  private static final List<String> TABLES = List.of("workflows", "tasks", "task_history", "task_logs");
  /** A fan-in like the built-in spec's (two tasks, then one that waits for both), as the orchestrator sends it. */
  private static final String TASK_ROWS = taskRows("""
      {"workflow_type": "fanin", "tasks": [{"task_type": "a"}, {"task_type": "b"}, {"task_type": "c", "depends_on": ["a", "b"]}]}
      """);
  private static DatabaseUrl url;
  private static Pool kiln;
  /** A session with the server's defaults, to show what Kiln's settings prevent. */
  private static Pool plain;

  @BeforeAll
  static void open() {
    url = TestDatabase.create();
    kiln = Pools.create(vertx, url, "kiln-engine", 1, Pools.Workload.ENGINE);
    plain = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(url.connectOptions()).using(vertx).build();
  }

  private static String taskRows(String specJson) {
    HandlerRegistry handlers = new HandlerRegistry(List.of(Handlers.constant("a"), Handlers.constant("b"),
        Handlers.constant("c")));
    WorkflowSpec spec = WorkflowSpecs.parse("fanin.json", specJson.getBytes(StandardCharsets.UTF_8), handlers);
    return new WorkflowSpecs(List.of(spec)).taskRowsJson();
  }

  @AfterAll
  static void close() {
    vertx.close().await();
  }

  /** The SQL of every statement the stores prepare, by name (found, not listed). */
  private static Map<String, String> statements() throws IllegalAccessException {
    Map<String, String> sql = new LinkedHashMap<>();
    for (Class<?> store : new Class<?>[] {TaskStore.class, WorkflowStore.class, ReadStore.class, SubmitBatcher.class}) {
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

  /** The generic plan the server would keep for {@code sql} if it were prepared now on {@code connection}. */
  private static String genericPlan(SqlConnection connection, String name, String sql) {
    Matcher m = PARAMETER.matcher(sql);
    int parameters = 0;
    while (m.find()) {
      parameters = Math.max(parameters, Integer.parseInt(m.group(1)));
    }
    String nulls = String.join(", ", Collections.nCopies(parameters, "NULL"));
    connection.query("PREPARE " + name + " AS " + sql).execute().await();
    try {
      return StreamSupport.stream(connection.query("EXPLAIN EXECUTE " + name + "(" + nulls + ")").execute().await()
              .spliterator(), false)
          .map(row -> row.getString(0))
          .collect(Collectors.joining("\n"));
    } finally {
      connection.query("DEALLOCATE " + name).execute().await();
    }
  }

  @Test
  void no_statement_planned_on_new_tables_reads_a_whole_table() throws Exception {
    Map<String, String> statements = statements();
    assertThat(statements).containsKeys("TaskStore.CLAIM", "TaskStore.COMPLETE_MANY", "WorkflowStore.EXPAND",
        "WorkflowStore.FINALIZE", "ReadStore.STATUS", "ReadStore.LIST", "ReadStore.LIST_STATUS",
        "SubmitBatcher.SUBMIT_MANY");
    SqlConnection connection = kiln.getConnection().await();
    try {
      // The plan the server switches to after five calls, made now, on tables never analysed.
      connection.query("SET plan_cache_mode = force_generic_plan").execute().await();
      Map<String, String> plans = new LinkedHashMap<>();
      int n = 0;
      for (Map.Entry<String, String> statement : statements.entrySet()) {
        plans.put(statement.getKey(), genericPlan(connection, "kiln_plan_" + n++, statement.getValue()));
      }
      plans.forEach((name, plan) -> assertThat(plan).as(name + "\n" + plan)
          .doesNotContainPattern("Seq Scan on (" + String.join("|", TABLES) + ")\\b"));
    } finally {
      connection.close().await();
    }
  }

  @Test
  void a_list_by_status_reaches_its_rows_by_the_status_index_in_its_generic_plan() {
    // An index scan that filters by status is no seq scan, yet it reads every workflow kept below
    // the cursor: ?status=running on a database of finished workflows read them all to find none.
    SqlConnection connection = kiln.getConnection().await();
    try {
      connection.query("SET plan_cache_mode = force_generic_plan").execute().await();
      String plan = genericPlan(connection, "kiln_list_status", ReadStore.LIST_STATUS);
      assertThat(plan).as(plan).contains("workflows_status_id_idx").containsPattern("Index Cond: \\(\\(status = \\$1\\)")
          .doesNotContain("Filter:");
      String all = genericPlan(connection, "kiln_list_all", ReadStore.LIST);
      assertThat(all).as(all).contains("workflows_pkey").doesNotContain("Filter:");
    } finally {
      connection.close().await();
    }
  }

  @Test
  void a_workflow_run_on_new_tables_reads_no_table_whole_triggers_included() {
    assertThat(wholeTableReadsRunningOneWorkflow(kiln)).as("whole-table reads in a Kiln session").isEmpty();
  }

  @Test
  void with_the_servers_defaults_the_same_run_reads_whole_tables() {
    // What the setting is for (and that the check above can fail): these plans read tasks whole.
    assertThat(wholeTableReadsRunningOneWorkflow(plain)).containsKey("tasks");
  }

  /**
   * Submits, expands, claims, completes and finalises one workflow with the engine's own
   * statements on a new database, in one transaction that is rolled back; returns the tables that
   * were read whole and how often, the history triggers' reads included (the transaction's own
   * statistics, pg_stat_xact_user_tables).
   */
  private static Map<String, Long> wholeTableReadsRunningOneWorkflow(Pool pool) {
    SqlConnection connection = pool.getConnection().await();
    Transaction tx = connection.begin().await();
    try {
      OffsetDateTime now = TaskStore.at(Instant.now());
      OffsetDateTime lease = TaskStore.at(Instant.now().plusSeconds(60));
      String[] noInput = new String[0];
      long id = connection.preparedQuery(WorkflowStore.SUBMIT)
          .execute(Tuple.of("fanin", Buffer.buffer(StoredInput.compress("{}")), now)).await().iterator().next().getLong(0);
      assertThat(connection.preparedQuery(WorkflowStore.EXPAND).execute(Tuple.of(10, TASK_ROWS, now)).await().size())
          .isEqualTo(1);
      for (int step = 0; step < 2; step++) {
        List<Long> ids = new ArrayList<>();
        List<Integer> attempts = new ArrayList<>();
        for (Row r : connection.preparedQuery(TaskStore.CLAIM).execute(Tuple.of(now, 10, "plans", lease, noInput)).await()) {
          ids.add(r.getLong("id"));
          attempts.add(r.getInteger("attempts"));
        }
        assertThat(ids).hasSize(step == 0 ? 2 : 1);
        int k = ids.size();
        connection.preparedQuery(TaskStore.COMPLETE_MANY).execute(Tuple.of(ids.toArray(Long[]::new),
            attempts.toArray(Integer[]::new), Collections.nCopies(k, "{}").toArray(String[]::new),
            Collections.nCopies(k, 1L).toArray(Long[]::new), now, new String[k], "on", "")).await();
      }
      assertThat(connection.preparedQuery(WorkflowStore.FINALIZE).execute(Tuple.of(new Long[] {id}, now)).await().size())
          .as("finalised").isEqualTo(1);
      Map<String, Long> reads = new LinkedHashMap<>();
      connection.preparedQuery("SELECT relname, seq_scan FROM pg_stat_xact_user_tables WHERE relname = ANY($1) AND seq_scan > 0")
          .execute(Tuple.of(TABLES.toArray(String[]::new))).await()
          .forEach(r -> reads.put(r.getString(0), r.getLong(1)));
      return reads;
    } finally {
      tx.rollback().await();
      connection.close().await();
    }
  }
}
