package dev.kiln.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * Kiln's public HTTP API and nothing else, over {@link Http1Client} (HTTP/1.1, one persistent
 * connection per calling thread, so C client threads hold exactly C connections). Every request is
 * counted by kind, because each read costs Kiln one database transaction.
 */
final class KilnHttp implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    private final Http1Client client;
    private final String basePath;
    private final String authorization;

    final LongAdder submits = new LongAdder();
    final LongAdder statusReads = new LongAdder();
    final LongAdder listReads = new LongAdder();
    final LongAdder resultReads = new LongAdder();
    final LongAdder otherReads = new LongAdder();

    /** A response: status code and body. */
    record Response(int status, byte[] body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }

        String text() {
            String s = new String(body, StandardCharsets.UTF_8);
            return s.length() > 300 ? s.substring(0, 300) + "..." : s;
        }
    }

    KilnHttp(URI base, Optional<String> token, Duration requestTimeout) {
        this.client = new Http1Client(base, 5_000, (int) Math.min(Integer.MAX_VALUE, requestTimeout.toMillis()));
        String path = base.getRawPath() == null ? "" : base.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.authorization = token.map(t -> "Bearer " + t).orElse(null);
    }

    Response submit(byte[] json) throws IOException {
        submits.increment();
        return send("POST", "/workflow", json);
    }

    Response status(long id) throws IOException {
        statusReads.increment();
        return send("GET", "/status/" + id, null);
    }

    Response results(long id) throws IOException {
        resultReads.increment();
        return send("GET", "/results/" + id, null);
    }

    /** One page of {@code GET /workflows}, newest first, ids below {@code cursor}, in {@code status} unless null. */
    Response list(String status, long cursor, int limit) throws IOException {
        listReads.increment();
        return send("GET", "/workflows?" + (status == null ? "" : "status=" + status + "&") + "limit=" + limit
                + "&cursor=" + cursor, null);
    }

    Response get(String path) throws IOException {
        otherReads.increment();
        return send("GET", path, null);
    }

    private Response send(String method, String path, byte[] body) throws IOException {
        Http1Client.Response r = client.send(method, basePath + path, body == null ? null : "application/json",
                authorization, body);
        return new Response(r.status(), r.body());
    }

    /** Status, list and result reads so far: each costs Kiln one database transaction. */
    long databaseReads() {
        return statusReads.sum() + listReads.sum() + resultReads.sum();
    }

    @Override
    public void close() {
        client.close();
    }
}
