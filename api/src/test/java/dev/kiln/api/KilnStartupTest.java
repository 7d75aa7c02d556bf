package dev.kiln.api;

import static dev.kiln.engine.testing.TestDatabase.queryLong;
import static dev.kiln.engine.testing.TestDatabase.queryLongs;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.engine.config.DatabaseUrl;
import dev.kiln.engine.config.KilnConfig;
import dev.kiln.engine.testing.Proc;
import dev.kiln.engine.testing.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KilnStartupTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(Kiln kiln, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + kiln.httpPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }


  @Test
  void with_no_database_url_it_starts_an_embedded_postgres_that_keeps_its_data_across_restarts(@TempDir Path dataDir)
      throws Exception {
    KilnConfig config = KilnConfig.parse(Map.of("KILN_DATA_DIR", dataDir.toString(), "KILN_HTTP_PORT", "0"), List.of());
    try (Kiln first = Kiln.start(config)) {
      assertThat(get(first, "/ready").statusCode()).isEqualTo(200);
      assertThat(get(first, "/ready").body()).contains("\"status\":\"ready\"").contains("\"schema_version\":\"8\"");
      TestDatabase.execute(first.databaseUrl(), "INSERT INTO workflows (workflow_type, input) VALUES ('kept', '{}')");
      // Durable, unlike the library's test defaults: a commit is on disk before Kiln answers.
      assertThat(queryLong(first.databaseUrl(), "SELECT count(*) FROM pg_settings WHERE name IN ('fsync', "
          + "'synchronous_commit', 'full_page_writes') AND setting = 'on'")).isEqualTo(3);
      // Vacuumed every 10 s rather than every minute (see EmbeddedDatabase).
      assertThat(queryLong(first.databaseUrl(), "SELECT setting::bigint FROM pg_settings WHERE name = 'autovacuum_naptime'"))
          .isEqualTo(10);
      // Its own server: the engine's sessions yield the cores to the API's (KILN_BACKGROUND_NICE, 10).
      first.pools().api().query("SELECT 1").execute().await();
      first.pools().engine().query("SELECT 1").execute().await();
      if (Files.exists(Path.of("/proc/self/stat"))) {
        assertThat(serverNice(first, "kiln-engine")).isNotEmpty().containsOnly(10);
        assertThat(serverNice(first, "kiln-api")).isNotEmpty().containsOnly(0);
        assertThat(groupNice(first, "kiln-engine")).containsOnly(10);
        assertThat(groupNice(first, "kiln-api")).containsOnly(0);
        // And this JVM's JIT compiler threads (Kiln runs in the test's JVM here).
        assertThat(Proc.threadNices("C2 CompilerThre")).containsOnly(10);
      }
    }
    try (Kiln second = Kiln.start(config)) {
      assertThat(get(second, "/ready").statusCode()).isEqualTo(200);
      assertThat(queryLong(second.databaseUrl(), "SELECT count(*) FROM workflows WHERE workflow_type = 'kept'")).isEqualTo(1);
    }
  }

  @Test
  void with_a_database_url_it_migrates_and_uses_that_database() throws Exception {
    DatabaseUrl empty = TestDatabase.server().withDatabase("kiln_external_" + ProcessHandle.current().pid());
    TestDatabase.execute(TestDatabase.server(), "DROP DATABASE IF EXISTS " + empty.database());
    TestDatabase.execute(TestDatabase.server(), "CREATE DATABASE " + empty.database());
    String url = "postgresql://" + empty.user() + (empty.password() == null ? "" : ":" + empty.password())
        + "@" + empty.host() + ":" + empty.port() + "/" + empty.database();
    KilnConfig config = KilnConfig.parse(Map.of("KILN_DATABASE_URL", url, "KILN_HTTP_PORT", "0"), List.of());
    try (Kiln kiln = Kiln.start(config)) {
      assertThat(get(kiln, "/health").body()).isEqualTo("{\"status\":\"up\"}");
      assertThat(get(kiln, "/ready").statusCode()).isEqualTo(200);
      assertThat(queryLong(empty, "SELECT count(*) FROM flyway_schema_history WHERE success")).isPositive();
      // Not its own server: its processes are left as they are, even when they run on this machine.
      kiln.pools().api().query("SELECT 1").execute().await();
      kiln.pools().engine().query("SELECT 1").execute().await();
      if (TestDatabase.origin().equals("embedded")) {
        assertThat(serverNice(kiln, "kiln-engine")).isNotEmpty().isEqualTo(serverNice(kiln, "kiln-api"));
      }
    }
  }

  @Test
  void the_api_pool_commits_durably_and_the_engine_pool_does_not_wait_for_its_commits_and_plans_once() {
    KilnConfig config = KilnConfig.parse(Map.of("KILN_HTTP_PORT", "0"), List.of());
    Vertx vertx = Vertx.vertx();
    try {
      Kiln.ProcessPools pools = Kiln.pools(vertx, TestDatabase.server(), config, false);
      // The API keeps the server's setting (on by default, or stronger: remote_apply must not be
      // downgraded); the embedded server's is on (see the test above), this test server's is not.
      assertThat(setting(pools.api())).as("API: the server's own setting").doesNotEndWith("from client");
      assertThat(setting(pools.engine())).as("engine bookkeeping: redone if lost").isEqualTo("off from client");
      assertThat(setting(pools.api(), "plan_cache_mode")).as("API: the server chooses").isEqualTo("auto from default");
      assertThat(setting(pools.engine(), "plan_cache_mode")).as("engine: planned once per connection")
          .isEqualTo("force_generic_plan from client");
    } finally {
      vertx.close().await();
    }
  }

  /** The pids of the sessions {@code kiln} opened under {@code name} in its database. */
  private static List<Long> sessions(Kiln kiln, String name) {
    return queryLongs(kiln.databaseUrl(), "SELECT pid FROM pg_stat_activity WHERE application_name = '" + name
        + "' AND datname = current_database()");
  }

  /** The distinct nice values of those sessions' server processes. */
  private static Set<Integer> serverNice(Kiln kiln, String name) {
    return sessions(kiln, name).stream().map(pid -> Proc.nice(Proc.of(pid))).collect(Collectors.toSet());
  }

  /** The distinct autogroup nice values of those sessions' server processes (none without autogroup). */
  private static Set<Integer> groupNice(Kiln kiln, String name) {
    return sessions(kiln, name).stream().map(Proc::groupNice).filter(OptionalInt::isPresent)
        .map(OptionalInt::getAsInt).collect(Collectors.toSet());
  }

  private static String setting(Pool pool) {
    return setting(pool, "synchronous_commit");
  }

  private static String setting(Pool pool, String name) {
    return pool.preparedQuery("SELECT setting || ' from ' || source FROM pg_settings WHERE name = $1")
        .execute(Tuple.of(name)).await().iterator().next().getString(0);
  }
}
