package dev.kiln.api.testing;

import dev.kiln.api.Kiln;
import dev.kiln.engine.config.DatabaseUrl;
import dev.kiln.engine.config.KilnConfig;
import dev.kiln.engine.testing.TestDatabase;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A whole Kiln process (all roles) on a fresh test database and a free port, plus an HTTP client. */
public final class KilnServer implements AutoCloseable {
  public final Kiln kiln;
  public final DatabaseUrl database;
  public final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private KilnServer(Kiln kiln, DatabaseUrl database) {
    this.kiln = kiln;
    this.database = database;
  }

  public static KilnServer start(Map<String, String> settings) {
    DatabaseUrl db = TestDatabase.create();
    Map<String, String> env = new HashMap<>(Map.of("KILN_DATABASE_URL", db.secretUrl(), "KILN_HTTP_PORT", "0"));
    env.putAll(settings);
    return new KilnServer(Kiln.start(KilnConfig.parse(env, List.of())), db);
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + kiln.httpPort() + path);
  }

  public HttpResponse<String> get(String path, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return send(b.GET().build());
  }

  public HttpResponse<String> post(String path, String contentType, String body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (headers.length > 0) {
      b.headers(headers);
    }
    return send(b.POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build());
  }

  public HttpResponse<String> postJson(String path, String body, String... headers) {
    return post(path, "application/json", body, headers);
  }

  public HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    kiln.close();
  }
}
