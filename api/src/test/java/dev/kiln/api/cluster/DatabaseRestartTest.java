package dev.kiln.api.cluster;

import static dev.kiln.engine.testing.TestDatabase.queryLong;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.engine.config.DatabaseUrl;
import dev.kiln.handlers.SamplePayloads;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PostgreSQL restarts in the middle of a run: processes reconnect, the API says 503, nothing is lost. */
class DatabaseRestartTest {

  private static EmbeddedPostgres startPostgres(Path dir, int port) throws IOException {
    return EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false).setPort(port)
        .setServerConfig("max_connections", "100").start();
  }


  @Test
  void a_postgres_restart_mid_run_loses_no_accepted_workflow_and_the_api_answers_503_meanwhile(@TempDir Path dir)
      throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    EmbeddedPostgres pg = startPostgres(dir.resolve("pg"), port);
    DatabaseUrl db = new DatabaseUrl("localhost", port, "postgres", "postgres", null);
    HttpClient http = HttpClient.newHttpClient();
    Map<Integer, Integer> statuses = new TreeMap<>();
    Set<String> keys = ConcurrentHashMap.newKeySet();
    List<String> retryLater = new ArrayList<>();
    try (KilnProcess api = KilnProcess.start(db, "api", Map.of());
        KilnProcess engine = KilnProcess.start(db, "orchestrator,worker", Map.of())) {
      String body = SamplePayloads.tiny();
      // 100 before, submissions while PostgreSQL is down, then 100 after. Every submission carries
      // an Idempotency-Key, as a careful client's should: a 503 is retried later with the same key.
      for (int i = 0; i < 100; i++) {
        assertThat(submit(http, api, body, "before-" + i, statuses, keys)).isEqualTo(201);
      }
      pg.close();
      long downSince = System.nanoTime();
      int during = 0;
      while (System.nanoTime() - downSince < Duration.ofSeconds(3).toNanos()) {
        String key = "during-" + during++;
        if (submit(http, api, body, key, statuses, keys) != 201) {
          retryLater.add(key);
        }
        KilnProcess.sleep(50);
      }
      pg = startPostgres(dir.resolve("pg"), port);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      int after = 0;
      while (after < 100 && System.nanoTime() < deadline) {
        if (submit(http, api, body, "after-" + after, statuses, keys) == 201) {
          after++;
        } else {
          KilnProcess.sleep(100);
        }
      }
      assertThat(after).as("the API recovers by itself").isEqualTo(100);
      for (String key : retryLater) {
        assertThat(submit(http, api, body, key, statuses, keys)).isIn(200, 201);
      }
      assertThat(statuses.keySet()).as("statuses seen: " + statuses).isSubsetOf(200, 201, 503);
      assertThat(statuses).containsKey(503);

      long waitUntil = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (queryLong(db, "SELECT count(*) FROM workflows WHERE status <> 'completed'") > 0
          && System.nanoTime() < waitUntil) {
        KilnProcess.sleep(200);
      }
      // One workflow per key, all completed, each task's result recorded once.
      assertThat(queryLong(db, "SELECT count(*) FROM workflows")).isEqualTo(keys.size());
      assertThat(queryLong(db, "SELECT count(*) FROM workflows WHERE status = 'completed'")).isEqualTo(keys.size());
      assertThat(queryLong(db, "SELECT count(*) FROM (SELECT task_id FROM task_history WHERE to_status = 'completed' "
          + "AND task_id IS NOT NULL GROUP BY task_id HAVING count(*) > 1) twice")).isZero();
      assertThat(api.output() + engine.output()).doesNotContain("internal_error").doesNotContain(" failed\n");
    } finally {
      pg.close();
    }
  }

  private static int submit(HttpClient http, KilnProcess api, String body, String key, Map<Integer, Integer> statuses,
      Set<String> keys) {
    keys.add(key);
    HttpResponse<String> r;
    try {
      r = http.send(java.net.http.HttpRequest.newBuilder(api.uri("/workflow")).timeout(Duration.ofSeconds(30))
          .header("Content-Type", "application/json").header("Idempotency-Key", key)
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    synchronized (statuses) {
      statuses.merge(r.statusCode(), 1, Integer::sum);
    }
    return r.statusCode();
  }
}
