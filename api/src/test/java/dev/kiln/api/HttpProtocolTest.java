package dev.kiln.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.testing.KilnServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kiln speaks HTTP/1.1 and refuses the cleartext HTTP/2 upgrade (see ApiVerticle.serverOptions):
 * with it, Java's HttpClient, which asks for the upgrade by default, got about one large response
 * in twenty as HTTP/1.1 bytes read as HTTP/2 frames.
 */
class HttpProtocolTest {
  private static KilnServer server;

  @BeforeAll
  static void start() {
    server = KilnServer.start(Map.of());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void an_h2c_upgrade_request_is_answered_over_http_1_1() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.kiln.httpPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      // What Java's HttpClient sends on a new plain-http connection when it prefers HTTP/2.
      out.write(("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\n"
          + "Upgrade: h2c\r\nHTTP2-Settings: AAEAAEAAAAIAAAABAAMAAABkAAQBAAAAAAUAAEAA\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder statusLine = new StringBuilder();
      for (int c = in.read(); c != -1 && c != '\r'; c = in.read()) {
        statusLine.append((char) c);
      }
      assertThat(statusLine.toString()).isEqualTo("HTTP/1.1 200 OK");
    }
  }

  @Test
  void java_clients_that_prefer_http_2_get_every_large_response_whole() throws Exception {
    // A new client per request: the upgrade is asked for on each new connection.
    for (int i = 0; i < 40; i++) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
          .connectTimeout(Duration.ofSeconds(5)).build();
      HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(server.uri("/metrics"))
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.statusCode()).isEqualTo(200);
      assertThat(metrics.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
      assertThat(metrics.body()).contains("kiln_sse_clients ");
    }
  }
}
