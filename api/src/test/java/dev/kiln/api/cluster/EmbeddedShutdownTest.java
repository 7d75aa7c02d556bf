package dev.kiln.api.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.handlers.SamplePayloads;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process on its own embedded PostgreSQL, stopped or killed. On SIGTERM Kiln stops first and its
 * database last (the embedding library's own shutdown hook used to stop the server beside Kiln's,
 * within milliseconds, so tasks running at the signal could be neither recorded nor handed back).
 * After SIGKILL the server outlives the JVM, and the next start stops it and takes over its data.
 */
class EmbeddedShutdownTest {
  private static final Duration WAIT = Duration.ofMinutes(2);
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<KilnProcess> started = new ArrayList<>();
  private final List<ProcessHandle> servers = new ArrayList<>();

  @AfterEach
  void killLeftovers() {
    // A failed assertion must not leave a Kiln (or its PostgreSQL) running after the test.
    started.stream().filter(p -> p.process.isAlive()).forEach(KilnProcess::kill);
    servers.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroy);
  }

  private KilnProcess start(Map<String, String> settings) {
    KilnProcess p = KilnProcess.startEmbedded("api,orchestrator,worker", settings);
    started.add(p);
    return p;
  }

  @Test
  void sigterm_lets_running_tasks_be_recorded_before_the_embedded_database_stops(@TempDir Path dataDir) {
    // A ten-minute lease: a task left running by a database that stopped too early would stay
    // so for longer than this test waits. The grace lets running tasks finish and be recorded.
    Map<String, String> settings = Map.of("KILN_DATA_DIR", dataDir.toString(), "KILN_LEASE", "10m",
        "KILN_SHUTDOWN_GRACE", "60s", "KILN_WORKER_CONCURRENCY", "2");
    KilnProcess first = start(settings);
    List<Long> ids = new ArrayList<>();
    String large = SamplePayloads.large(3);
    for (int i = 0; i < 3; i++) {
      ids.add(first.submit(http, large));
    }
    // The signal arrives while a handler runs (a fresh JVM takes most of a second over a 14 MB
    // input): one of the last workflow's, whose tasks wait behind the others'.
    long last = ids.get(ids.size() - 1);
    awaitStatus(first, last, s -> tasksIn(s, "running") > 0, "a task of workflow " + last + " running");
    first.terminate();
    assertThat(first.output())
        .contains("Kiln stopped")
        .doesNotContain("57P01")
        .doesNotContain("did not stop cleanly");

    KilnProcess second = start(settings);
    for (long id : ids) {
      awaitCompleted(second, id);
    }
    second.terminate();
    assertThat(second.output()).contains("Kiln stopped").doesNotContain("57P01");
  }

  @Test
  void after_a_kill_the_next_start_stops_the_server_the_dead_process_left_running(@TempDir Path dataDir)
      throws Exception {
    Map<String, String> settings = Map.of("KILN_DATA_DIR", dataDir.toString());
    KilnProcess first = start(settings);
    long id = first.submit(http, SamplePayloads.tiny());
    awaitCompleted(first, id);
    ProcessHandle server = ProcessHandle.of(
        Long.parseLong(Files.readAllLines(dataDir.resolve("pg15").resolve("postmaster.pid")).get(0).strip())).orElseThrow();
    servers.add(server);

    first.kill(); // SIGKILL: no shutdown hook runs, and the server outlives the JVM
    assertThat(server.isAlive()).isTrue();

    KilnProcess second = start(settings);
    assertThat(second.output()).contains("left running");
    assertThat(server.isAlive()).isFalse();
    // The same data, on a server of its own.
    awaitCompleted(second, id);
    second.terminate();
  }

  private static long tasksIn(JsonObject status, String taskStatus) {
    JsonArray tasks = status.getJsonArray("tasks");
    return tasks == null ? 0 : tasks.stream().map(JsonObject.class::cast)
        .filter(t -> taskStatus.equals(t.getString("task_status"))).count();
  }

  private void awaitCompleted(KilnProcess p, long id) {
    awaitStatus(p, id, s -> "completed".equals(s.getString("status")), "workflow " + id + " completed");
  }

  private JsonObject awaitStatus(KilnProcess p, long id, Predicate<JsonObject> done, String what) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    JsonObject last = null;
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(p.uri("/status/" + id)).timeout(Duration.ofSeconds(10))
            .GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          last = new JsonObject(r.body());
          if (done.test(last)) {
            return last;
          }
        }
      } catch (java.io.IOException e) {
        // not answering yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      KilnProcess.sleep(5);
    }
    throw new AssertionError("no " + what + " within " + WAIT.toSeconds() + " s; last status " + last
        + "\n" + p.output());
  }
}
