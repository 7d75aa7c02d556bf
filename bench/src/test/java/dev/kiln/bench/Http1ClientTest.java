package dev.kiln.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Http1ClientTest {

    private static InputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String body(Http1Client.Response r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    @Test
    void contentLengthAndKeepAlive() throws IOException {
        InputStream in = stream("HTTP/1.1 201 Created\r\nLocation: /status/7\r\nContent-Type: application/json\r\n"
                + "content-length: 17\r\n\r\n{\"workflow_id\":7}HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
        Http1Client.Response first = Http1Client.readResponse(in);
        assertThat(first.status()).isEqualTo(201);
        assertThat(body(first)).isEqualTo("{\"workflow_id\":7}");
        assertThat(first.keepAlive()).isTrue();
        // The next response on the same connection starts right after the first body.
        Http1Client.Response second = Http1Client.readResponse(in);
        assertThat(second.status()).isEqualTo(200);
        assertThat(body(second)).isEqualTo("{}");
    }

    @Test
    void chunkedBodies() throws IOException {
        Http1Client.Response r = Http1Client.readResponse(stream("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\n{\"a\":\r\n3;ext=1\r\n12}\r\n0\r\nX-Trailer: t\r\n\r\n"));
        assertThat(body(r)).isEqualTo("{\"a\":12}");
        assertThat(r.keepAlive()).isTrue();
    }

    @Test
    void connectionCloseAndBodiesUntilEof() throws IOException {
        Http1Client.Response close = Http1Client.readResponse(stream(
                "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 4\r\n\r\nbusy"));
        assertThat(close.status()).isEqualTo(503);
        assertThat(close.keepAlive()).isFalse();
        Http1Client.Response eof = Http1Client.readResponse(stream("HTTP/1.0 200 OK\r\n\r\nuntil the end"));
        assertThat(body(eof)).isEqualTo("until the end");
        assertThat(eof.keepAlive()).isFalse();
        Http1Client.Response interim = Http1Client.readResponse(stream(
                "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"));
        assertThat(interim.status()).isEqualTo(204);
        assertThat(interim.body()).isEmpty();
    }

    @Test
    void closedOrBrokenResponses() {
        assertThatThrownBy(() -> Http1Client.readResponse(stream("")))
                .isInstanceOf(Http1Client.ClosedBeforeResponse.class);
        assertThatThrownBy(() -> Http1Client.readResponse(stream("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")))
                .isInstanceOf(EOFException.class).isNotInstanceOf(Http1Client.ClosedBeforeResponse.class);
        assertThatThrownBy(() -> Http1Client.readResponse(stream("HTTP/1.1 200 OK\r\nContent-")))
                .isInstanceOf(EOFException.class).isNotInstanceOf(Http1Client.ClosedBeforeResponse.class);
        assertThatThrownBy(() -> Http1Client.readResponse(stream("SSH-2.0-OpenSSH\r\n")))
                .hasMessageContaining("not an HTTP/1.x response");
    }

    @Test
    void requestHead() {
        String head = new String(Http1Client.head("POST", "/workflow", "127.0.0.1:18090", "application/json",
                "Bearer t", 42), StandardCharsets.ISO_8859_1);
        assertThat(head).startsWith("POST /workflow HTTP/1.1\r\nHost: 127.0.0.1:18090\r\n")
                .contains("Content-Type: application/json\r\n", "Authorization: Bearer t\r\n", "Content-Length: 42\r\n")
                .endsWith("\r\n\r\n");
        String get = new String(Http1Client.head("GET", "/status/1", "h", null, null, -1), StandardCharsets.ISO_8859_1);
        assertThat(get).doesNotContain("Content-Length").doesNotContain("Authorization");
    }
}
