package dev.kiln.engine.testing;

import dev.kiln.engine.config.DatabaseUrl;
import dev.kiln.engine.db.Migrations;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Gives tests a real PostgreSQL: {@code KILN_TEST_DATABASE_URL} if set, else Testcontainers when a
 * Docker engine is available, else an embedded PostgreSQL 15. One server per test JVM; each
 * {@link #create()} returns a fresh database cloned from a template built by the real migrations.
 */
public final class TestDatabase {
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final List<String> CREATED = new ArrayList<>();
  private static DatabaseUrl server;
  private static String template;
  private static String origin;

  private TestDatabase() {}

  /** A new, empty, fully migrated database of its own. */
  public static synchronized DatabaseUrl create() {
    DatabaseUrl admin = server();
    if (template == null) {
      template = "kiln_template_" + RUN;
      execute(admin, "CREATE DATABASE " + template);
      CREATED.add(template);
      Migrations.migrate(admin.withDatabase(template));
    }
    String name = "kiln_test_" + RUN + "_" + COUNTER.incrementAndGet();
    execute(admin, "CREATE DATABASE " + name + " TEMPLATE " + template);
    CREATED.add(name);
    return admin.withDatabase(name);
  }

  /** A new database with no schema at all: for tests that migrate it step by step themselves. */
  public static synchronized DatabaseUrl createUnmigrated() {
    DatabaseUrl admin = server();
    String name = "kiln_test_" + RUN + "_" + COUNTER.incrementAndGet();
    execute(admin, "CREATE DATABASE " + name);
    CREATED.add(name);
    return admin.withDatabase(name);
  }

  /** The server's maintenance database (for tests that create or inspect databases themselves). */
  public static synchronized DatabaseUrl server() {
    if (server == null) {
      server = startServer();
      Runtime.getRuntime().addShutdownHook(new Thread(TestDatabase::dropCreated, "test-db-cleanup"));
    }
    return server;
  }

  /** Where the test server came from: "external", "testcontainers" or "embedded". */
  public static synchronized String origin() {
    server();
    return origin;
  }

  public static void execute(DatabaseUrl url, String sql) {
    try (Connection c = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** The single number {@code sql} returns (a count, a max id). */
  public static long queryLong(DatabaseUrl url, String sql) {
    List<Long> values = queryLongs(url, sql);
    if (values.size() != 1) {
      throw new IllegalStateException(sql + ": expected one row, got " + values.size());
    }
    return values.get(0);
  }

  /** The first column of every row {@code sql} returns, as numbers. */
  public static List<Long> queryLongs(DatabaseUrl url, String sql) {
    try (Connection c = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
        Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery(sql)) {
      List<Long> out = new ArrayList<>();
      while (rs.next()) {
        out.add(rs.getLong(1));
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  private static DatabaseUrl startServer() {
    String external = System.getenv("KILN_TEST_DATABASE_URL");
    if (external == null || external.isBlank()) {
      external = System.getProperty("kiln.test.database.url");
    }
    if (external != null && !external.isBlank()) {
      origin = "external";
      return DatabaseUrl.parse("KILN_TEST_DATABASE_URL", external);
    }
    if (dockerAvailable()) {
      PostgreSQLContainer container = new PostgreSQLContainer("postgres:15-alpine");
      container.start();
      Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "test-db-container-stop"));
      origin = "testcontainers";
      return new DatabaseUrl(container.getHost(), container.getMappedPort(5432), container.getDatabaseName(),
          container.getUsername(), container.getPassword());
    }
    try {
      EmbeddedPostgres pg = EmbeddedPostgres.builder().setServerConfig("max_connections", "300").start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          pg.close();
        } catch (IOException ignored) {
          // the JVM is exiting; the data directory is a temporary one
        }
      }, "test-db-embedded-stop"));
      origin = "embedded";
      return new DatabaseUrl("localhost", pg.getPort(), "postgres", "postgres", null);
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not start", e);
    }
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  private static synchronized void dropCreated() {
    if (!"external".equals(origin)) {
      return; // the server goes away with the JVM
    }
    for (int i = CREATED.size() - 1; i >= 0; i--) {
      try {
        execute(server, "DROP DATABASE IF EXISTS " + CREATED.get(i) + " WITH (FORCE)");
      } catch (RuntimeException ignored) {
        // best effort: a leftover scratch database is harmless
      }
    }
  }
}
