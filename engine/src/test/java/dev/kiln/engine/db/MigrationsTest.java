package dev.kiln.engine.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.engine.config.ConfigException;
import dev.kiln.engine.config.DatabaseUrl;
import dev.kiln.engine.store.WorkflowStore;
import dev.kiln.engine.testing.Notifications;
import dev.kiln.engine.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

class MigrationsTest {
  private static DatabaseUrl url;
  private static Connection connection;

  @BeforeAll
  static void database() throws SQLException {
    url = TestDatabase.create();
    connection = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
  }

  @AfterAll
  static void close() throws SQLException {
    connection.close();
  }

  private static List<String> column(String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  private static long insertWorkflow() throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("INSERT INTO workflows (workflow_type, input) VALUES ('t', '{}') RETURNING id")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void migrations_create_the_four_tables() throws SQLException {
    assertThat(column("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"))
        .contains("workflows", "tasks", "task_logs", "task_history");
  }

  @Test
  void migrating_again_is_a_no_op_at_the_same_version() {
    assertThat(Migrations.migrate(url)).isEqualTo("8");
  }

  @Test
  void a_workflow_with_an_unknown_status_is_rejected() {
    assertThatThrownBy(() -> connection.createStatement().execute(
        "INSERT INTO workflows (workflow_type, input, status) VALUES ('t', '{}', 'done')"))
        .hasMessageContaining("workflows_status_valid");
  }

  @Test
  void a_workflow_has_its_input_exactly_once_as_text_from_before_v4_or_compressed() {
    assertThatThrownBy(() -> connection.createStatement().execute(
        "INSERT INTO workflows (workflow_type) VALUES ('t')"))
        .hasMessageContaining("workflows_input_once");
    assertThatThrownBy(() -> connection.createStatement().execute(
        "INSERT INTO workflows (workflow_type, input, input_zstd) VALUES ('t', '{}', '\\x28b52ffd'::bytea)"))
        .hasMessageContaining("workflows_input_once");
  }

  @Test
  void a_task_with_an_unknown_status_is_rejected() throws SQLException {
    long id = insertWorkflow();
    assertThatThrownBy(() -> connection.createStatement().execute(
        "INSERT INTO tasks (workflow_id, task_type, status) VALUES (" + id + ", 'x', 'sleeping')"))
        .hasMessageContaining("tasks_status_valid");
  }

  @Test
  void a_running_task_without_a_lease_is_rejected() throws SQLException {
    long id = insertWorkflow();
    assertThatThrownBy(() -> connection.createStatement().execute(
        "INSERT INTO tasks (workflow_id, task_type, status) VALUES (" + id + ", 'x', 'running')"))
        .hasMessageContaining("tasks_running_is_leased");
  }

  @Test
  void a_log_line_with_an_unknown_level_is_rejected() throws SQLException {
    long id = insertWorkflow();
    connection.createStatement().execute("INSERT INTO tasks (workflow_id, task_type) VALUES (" + id + ", 'x')");
    assertThatThrownBy(() -> connection.createStatement().execute(
        "INSERT INTO task_logs (workflow_id, task_id, attempt, level, message) "
            + "SELECT workflow_id, id, 1, 'LOUD', 'm' FROM tasks WHERE workflow_id = " + id))
        .hasMessageContaining("task_logs_level_valid");
  }

  @Test
  void every_status_change_is_appended_to_the_history_in_order() throws SQLException {
    long id = insertWorkflow();
    try (Statement s = connection.createStatement()) {
      s.execute("INSERT INTO tasks (workflow_id, task_type) VALUES (" + id + ", 'a'), (" + id + ", 'b')");
      s.execute("UPDATE tasks SET status = 'running', attempts = 1, locked_by = 'w', lease_expires_at = now() "
          + "WHERE workflow_id = " + id + " AND task_type = 'a'");
      s.execute("UPDATE tasks SET updated_at = now() WHERE workflow_id = " + id); // no status change: no history
      s.execute("UPDATE workflows SET status = 'failed', error = 'boom', finished_at = now() WHERE id = " + id);
    }
    assertThat(column("SELECT coalesce(task_type, '-') || ':' || coalesce(from_status, '') || '>' || to_status "
        + "|| ':' || coalesce(detail, '') FROM task_history WHERE workflow_id = " + id + " ORDER BY id"))
        .containsExactly("-:>pending:", "a:>pending:", "b:>pending:", "a:pending>running:on w", "-:pending>failed:boom");
  }

  /**
   * The history triggers' plans are made once per connection (V3). One made for a one-row statement
   * must still record every row of a 3,000-row batch, and only real changes; a deps-only change
   * signals readiness, the last completion signals the workflow for finalising.
   */
  @Test
  void a_large_batch_after_a_one_row_statement_is_recorded_row_by_row_with_its_signals() throws SQLException {
    long id = insertWorkflow();
    try (Notifications listener = new Notifications(url); Statement s = connection.createStatement()) {
      s.execute("INSERT INTO tasks (workflow_id, task_type) VALUES (" + id + ", 'first')");
      s.execute("INSERT INTO tasks (workflow_id, task_type, depends_on, deps_remaining) SELECT " + id
          + ", 't' || g, '{first}', 1 FROM generate_series(1, 3000) g");
      s.execute("UPDATE tasks SET status = 'running', attempts = 1, locked_by = 'w', lease_expires_at = now() "
          + "WHERE workflow_id = " + id + " AND task_type = 'first'");
      listener.drain(); // the inserts' and the one-row update's
      s.execute("UPDATE tasks SET deps_remaining = 0 WHERE workflow_id = " + id + " AND task_type <> 'first'");
      assertThat(listener.drain()).as("no history row, but ready to claim").containsExactly(":t:");
      s.execute("UPDATE tasks SET status = 'running', attempts = 1, locked_by = 'w', lease_expires_at = now() "
          + "WHERE workflow_id = " + id + " AND task_type <> 'first'");
      s.execute("UPDATE tasks SET status = 'completed', output = '{}', locked_by = NULL, lease_expires_at = NULL, "
          + "run_ms = 7 WHERE workflow_id = " + id);
      List<String> signals = listener.drain();
      assertThat(signals).hasSize(2);
      assertThat(signals.get(1)).endsWith(":w:" + id);
    }
    assertThat(column("SELECT coalesce(from_status, '') || '>' || to_status || ':' || coalesce(detail, '') || ' x' || count(*) "
        + "FROM task_history WHERE workflow_id = " + id + " AND task_id IS NOT NULL "
        + "GROUP BY from_status, to_status, detail ORDER BY min(id)"))
        .containsExactly(">pending: x3001", "pending>running:on w x3001", "running>completed:in 7 ms x3001");
  }

  @Test
  void outputs_and_results_stored_as_jsonb_before_v5_keep_their_values_and_the_verdict_gets_its_column() throws SQLException {
    DatabaseUrl old = TestDatabase.createUnmigrated();
    Flyway.configure().dataSource(old.jdbcUrl(), old.user(), old.password())
        .locations("classpath:db/migration").target("4").load().migrate();
    String value = "{\"verdict\": \"FAIL\", \"p\": 1.43674E-300, \"n\": [1, 2.5]}";
    try (Connection c = DriverManager.getConnection(old.jdbcUrl(), old.user(), old.password());
        Statement s = c.createStatement()) {
      s.execute("INSERT INTO workflows (workflow_type, input, status, result, started_at, finished_at) VALUES ('t', '{}', 'completed', '"
          + value + "', now(), now())");
      s.execute("INSERT INTO tasks (workflow_id, task_type, status, output, started_at, finished_at) SELECT id, 'a', 'completed', result, now(), now() FROM workflows");
      assertThat(Migrations.migrate(old)).isEqualTo("8");
      try (ResultSet rs = s.executeQuery("SELECT w.result->>'verdict', (w.result->>'p')::float8, t.output->'n'->>1,"
          + " pg_typeof(w.result)::text, pg_typeof(t.output)::text FROM workflows w JOIN tasks t ON t.workflow_id = w.id")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("FAIL");
        assertThat(rs.getDouble(2)).isEqualTo(1.43674E-300);
        assertThat(rs.getString(3)).isEqualTo("2.5");
        assertThat(rs.getString(4)).isEqualTo("json");
        assertThat(rs.getString(5)).isEqualTo("json");
      }
      // v6 read the verdict of the existing result into its column once.
      try (ResultSet rs = s.executeQuery("SELECT verdict FROM workflows")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("FAIL");
      }
    }
  }

  @Test
  void a_workflow_expanded_before_v7_is_finalised_from_the_sinks_worked_out_then() throws SQLException {
    DatabaseUrl old = TestDatabase.createUnmigrated();
    Flyway.configure().dataSource(old.jdbcUrl(), old.user(), old.password())
        .locations("classpath:db/migration").target("6").load().migrate();
    try (Connection c = DriverManager.getConnection(old.jdbcUrl(), old.user(), old.password());
        Statement s = c.createStatement()) {
      // Expanded by v6, which had no sink column: a -> b, a -> c, all three completed, the
      // workflow not yet finalised.
      s.execute("INSERT INTO workflows (workflow_type, input, status, started_at) VALUES ('t', '{}', 'running', now())");
      s.execute("INSERT INTO tasks (workflow_id, task_type, depends_on, status, output, started_at, finished_at)"
          + " SELECT w.id, t.task_type, t.depends_on, 'completed', t.output::json, now(), now() FROM workflows w,"
          + " (VALUES ('a', '{}'::text[], '{\"task\": \"a\"}'), ('b', '{a}', '{\"task\": \"b\"}'),"
          + " ('c', '{a}', '{\"task\": \"c\"}')) AS t(task_type, depends_on, output)");
      assertThat(Migrations.migrate(old)).isEqualTo("8");
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM tasks WHERE sink IS NULL")) {
        rs.next();
        assertThat(rs.getLong(1)).as("v7 leaves existing rows as they are").isEqualTo(3);
      }
    }
    // The finaliser as the engine runs it.
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = Pools.create(vertx, old, "kiln-engine", 1, Pools.Workload.ENGINE);
      assertThat(new WorkflowStore(pool).finalizeDone(new Long[] {1L}, Instant.now()).await()).isEqualTo(1);
    } finally {
      vertx.close().await();
    }
    try (Connection c = DriverManager.getConnection(old.jdbcUrl(), old.user(), old.password());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT status, result::jsonb = '{\"b\": {\"task\": \"b\"}, \"c\": {\"task\": \"c\"}}'::jsonb"
            + " FROM workflows")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("completed");
      assertThat(rs.getBoolean(2)).as("the result holds the outputs of b and c, by task type").isTrue();
    }
  }

  @Test
  void an_unreachable_database_is_a_config_error_naming_the_setting() {
    DatabaseUrl nowhere = new DatabaseUrl("127.0.0.1", 1, "kiln", "kiln", "secret");
    assertThatThrownBy(() -> Migrations.migrate(nowhere))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("KILN_DATABASE_URL: cannot migrate postgresql://kiln:***@127.0.0.1:1/kiln: ")
        .hasMessageNotContaining("secret");
  }
}
