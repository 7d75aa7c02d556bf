package dev.kiln.api.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.Main;
import dev.kiln.engine.config.DatabaseUrl;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Kiln process (its own JVM, started like the jar: Main with the settings as environment
 * variables) for multi-process and fault-injection tests. Output goes to target/cluster-logs.
 */
public final class KilnProcess implements AutoCloseable {
  private static final Path LOGS = Path.of("target", "cluster-logs");
  private static int counter;

  public final String roles;
  public final int port;
  public final Process process;
  public final Path log;

  private KilnProcess(String roles, int port, Process process, Path log) {
    this.roles = roles;
    this.port = port;
    this.process = process;
    this.log = log;
  }

  public static KilnProcess start(DatabaseUrl db, String roles, Map<String, String> settings) {
    Map<String, String> withDb = new HashMap<>(settings);
    withDb.putIfAbsent("KILN_DATABASE_URL", db.secretUrl());
    return launch(roles, withDb);
  }

  /** A process on its own embedded PostgreSQL, in the {@code KILN_DATA_DIR} the settings name. */
  public static KilnProcess startEmbedded(String roles, Map<String, String> settings) {
    if (!settings.containsKey("KILN_DATA_DIR")) {
      throw new IllegalArgumentException("an embedded database needs KILN_DATA_DIR");
    }
    return launch(roles, settings);
  }

  private static KilnProcess launch(String roles, Map<String, String> settings) {
    try {
      Files.createDirectories(LOGS);
      int port = roles.contains("api") ? freePort() : 0;
      Path log = LOGS.resolve(String.format("%02d-%s.log", ++counter, roles.replace(',', '+')));
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx512m", "-XX:+UseSerialGC",
          "-cp", System.getProperty("java.class.path"), Main.class.getName()));
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      Map<String, String> env = new HashMap<>(Map.of("KILN_ROLES", roles,
          "KILN_HTTP_PORT", String.valueOf(port), "KILN_POLL_INTERVAL", "1s", "KILN_DB_POOL_SIZE", "6"));
      env.putAll(settings);
      pb.environment().keySet().removeIf(k -> k.startsWith("KILN_"));
      pb.environment().putAll(env);
      KilnProcess p = new KilnProcess(roles, port, pb.start(), log);
      p.awaitStarted();
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private void awaitStarted() throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).contains("Kiln started")) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("Kiln (" + roles + ") exited at start-up:\n" + Files.readString(log));
      }
      sleep(50);
    }
    throw new IllegalStateException("Kiln (" + roles + ") did not start in 60 s:\n" + Files.readString(log));
  }

  public long pid() {
    return process.pid();
  }

  /** The worker id prefix this process writes into tasks.locked_by. */
  public String lockPrefix() {
    return pid() + "@";
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  /** SIGKILL: the process gets no chance to clean up. */
  public void kill() {
    process.destroyForcibly();
    waitExit();
  }

  /** SIGTERM: the graceful path. */
  public void terminate() {
    process.destroy();
    waitExit();
  }

  private void waitExit() {
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException("Kiln (" + roles + ") did not exit within 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public String output() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Submits one workflow to this (API) process, expecting 201; returns its id. */
  public long submit(HttpClient http, String json) {
    HttpResponse<String> r = post(http, uri("/workflow"), json);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return new JsonObject(r.body()).getLong("workflow_id");
  }

  public static HttpResponse<String> post(HttpClient http, URI uri, String json) {
    try {
      return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
