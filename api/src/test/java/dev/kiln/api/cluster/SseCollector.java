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
  private volatile URI target;
  private volatile boolean closed;

  SseCollector(HttpClient http, URI uri) throws Exception {
    this.http = http;
    this.target = uri;
    connect(uri, null);
  }

  /** Reconnects to {@code uri}, resuming after the last event received. */
  void reconnect(URI uri) throws Exception {
    target = uri;
    body.close(); // the reader thread notices and reconnects to the new target
  }

  private final List<Long> resumedAfter = new ArrayList<>();

  synchronized List<Long> resumedAfter() {
    return List.copyOf(resumedAfter);
  }

  private synchronized Long lastId() {
    return ids.isEmpty() ? null : ids.get(ids.size() - 1);
  }

  /** Like EventSource: when the stream ends (server restart, or dropped as too slow), reconnect with
   * Last-Event-ID, retrying every 200 ms for up to two minutes. */
  private void resume() {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(2);
    while (!closed && System.nanoTime() < deadline) {
      try {
        connect(target, lastId());
        return;
      } catch (Exception e) {
        try {
          Thread.sleep(200);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private void connect(URI uri, Long lastEventId) throws Exception {
    if (lastEventId != null) {
      synchronized (this) {
        resumedAfter.add(lastEventId);
      }
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
    if (lastEventId != null) {
      b.header("Last-Event-ID", String.valueOf(lastEventId));
    }
    HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    if (r.statusCode() != 200) {
      r.body().close();
      throw new IllegalStateException("event stream answered " + r.statusCode());
    }
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
      // closed by the test, or by the server
    }
    if (!closed) {
      resume();
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
    closed = true;
    body.close();
  }
}
