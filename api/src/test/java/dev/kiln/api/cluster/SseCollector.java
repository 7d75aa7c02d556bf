package dev.kiln.api.cluster;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a Server-Sent Events stream on its own thread and keeps every event's id; can reconnect
 * (to the same or another api process) with Last-Event-ID, as a browser's EventSource does.
 */
final class SseCollector implements AutoCloseable {
  private final List<Long> ids = new ArrayList<>();
  private final HttpClient http;
  private int terminal;
  private InputStream body;

  SseCollector(HttpClient http, URI uri) throws Exception {
    this.http = http;
    connect(uri, null);
  }

  /** Reconnects to {@code uri}, resuming after the last event received. */
  void reconnect(URI uri) throws Exception {
    body.close();
    Long last;
    synchronized (this) {
      last = ids.isEmpty() ? null : ids.get(ids.size() - 1);
    }
    connect(uri, last);
  }

  private void connect(URI uri, Long lastEventId) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
    if (lastEventId != null) {
      b.header("Last-Event-ID", String.valueOf(lastEventId));
    }
    HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    InputStream stream = r.body();
    body = stream;
    Thread t = new Thread(() -> read(stream), "sse-collector");
    t.setDaemon(true);
    t.start();
  }

  private void read(InputStream body) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith("data: ")) {
          JsonObject e = new JsonObject(line.substring(6));
          synchronized (this) {
            ids.add(e.getLong("id"));
            if (e.getString("task_type") == null && "completed".equals(e.getString("to"))) {
              terminal++;
            }
            notifyAll();
          }
        }
      }
    } catch (Exception e) {
      // closed by the test
    }
  }

  synchronized void awaitTerminal(int n, Duration timeout) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    while (terminal < n && System.currentTimeMillis() < deadline) {
      wait(200);
    }
    if (terminal < n) {
      throw new AssertionError("saw " + terminal + " of " + n + " workflows complete on the event stream");
    }
  }

  synchronized List<Long> ids() {
    return List.copyOf(ids);
  }

  @Override
  public void close() throws Exception {
    body.close();
  }
}
