package dev.kiln.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLSocketFactory;

/**
 * A minimal blocking HTTP/1.1 client: one persistent connection per calling thread, requests
 * written and responses read on that thread, nothing in between. It costs the load tool far less
 * CPU than {@code java.net.http.HttpClient} (no selector thread, no futures, no hand-offs) and the
 * time measured around a call is the time on the wire plus Kiln's, not the client's queueing.
 *
 * <p>Responses with Content-Length, chunked bodies and bodies ended by closing the connection are
 * read; {@code Connection: close} is honoured. A request is sent again on a new connection only
 * when a reused connection turns out to be closed before any byte of the answer arrived (the server
 * closed it while idle); then it cannot have been processed.
 */
final class Http1Client implements AutoCloseable {

    /** Status code, body, and whether the connection may carry another request. */
    record Response(int status, byte[] body, boolean keepAlive) {}

    /** The server closed a connection before answering: it did not read the request. */
    static final class ClosedBeforeResponse extends EOFException {
        private static final long serialVersionUID = 1L;

        ClosedBeforeResponse() {
            super("connection closed before the response");
        }
    }

    private final String host;
    private final int port;
    private final boolean tls;
    private final String hostHeader;
    private final int connectTimeoutMillis;
    private final int readTimeoutMillis;
    private final ThreadLocal<Connection> connection = new ThreadLocal<>();
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();

    Http1Client(URI base, int connectTimeoutMillis, int readTimeoutMillis) {
        this.tls = "https".equals(base.getScheme());
        this.host = base.getHost();
        this.port = base.getPort() == -1 ? (tls ? 443 : 80) : base.getPort();
        this.hostHeader = base.getPort() == -1 ? host : host + ":" + port;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.readTimeoutMillis = readTimeoutMillis;
    }

    /** Sends one request on this thread's connection (opened when needed) and reads the answer. */
    Response send(String method, String pathAndQuery, String contentType, String authorization, byte[] body)
            throws IOException {
        byte[] head = head(method, pathAndQuery, hostHeader, contentType, authorization, body == null ? -1 : body.length);
        Connection c = connection.get();
        boolean reused = c != null;
        if (c == null) {
            c = connect();
        }
        try {
            return exchange(c, head, body);
        } catch (ClosedBeforeResponse e) {
            drop(c);
            if (!reused) {
                throw e;
            }
            Connection fresh = connect();
            try {
                return exchange(fresh, head, body);
            } catch (IOException | RuntimeException e2) {
                drop(fresh);
                throw e2;
            }
        } catch (IOException | RuntimeException e) {
            drop(c);
            throw e;
        }
    }

    private Response exchange(Connection c, byte[] head, byte[] body) throws IOException {
        c.out.write(head);
        if (body != null) {
            c.out.write(body);
        }
        c.out.flush();
        Response r = readResponse(c.in);
        if (!r.keepAlive()) {
            drop(c);
        }
        return r;
    }

    private Connection connect() throws IOException {
        Socket s = tls ? SSLSocketFactory.getDefault().createSocket() : new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setKeepAlive(true);
            s.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
            s.setSoTimeout(readTimeoutMillis);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        Connection c = new Connection(s, new BufferedInputStream(s.getInputStream(), 64 * 1024),
                new BufferedOutputStream(s.getOutputStream(), 16 * 1024));
        connection.set(c);
        open.add(c);
        return c;
    }

    private void drop(Connection c) {
        if (connection.get() == c) {
            connection.remove();
        }
        open.remove(c);
        try {
            c.socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        for (Connection c : open) {
            try {
                c.socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        open.clear();
    }

    private record Connection(Socket socket, InputStream in, OutputStream out) {}

    static byte[] head(String method, String pathAndQuery, String hostHeader, String contentType, String authorization,
                       long contentLength) {
        StringBuilder sb = new StringBuilder(160);
        sb.append(method).append(' ').append(pathAndQuery).append(" HTTP/1.1\r\nHost: ").append(hostHeader)
                .append("\r\nUser-Agent: kiln-bench\r\nAccept: application/json\r\n");
        if (contentType != null) {
            sb.append("Content-Type: ").append(contentType).append("\r\n");
        }
        if (authorization != null) {
            sb.append("Authorization: ").append(authorization).append("\r\n");
        }
        if (contentLength >= 0) {
            sb.append("Content-Length: ").append(contentLength).append("\r\n");
        }
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Reads one response: status line, headers, then the body as its headers say. */
    static Response readResponse(InputStream in) throws IOException {
        String statusLine = readLine(in, true);
        if (!statusLine.startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x response: " + statusLine);
        }
        String[] parts = statusLine.split(" ", 3);
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (RuntimeException e) {
            throw new IOException("bad status line: " + statusLine);
        }
        boolean http10 = statusLine.startsWith("HTTP/1.0");
        long contentLength = -1;
        boolean chunked = false;
        Boolean keepAliveHeader = null;
        String line;
        while (!(line = readLine(in, false)).isEmpty()) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("bad header line: " + line);
            }
            String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).strip();
            switch (name) {
                case "content-length" -> contentLength = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> keepAliveHeader = !value.toLowerCase(Locale.ROOT).contains("close");
                default -> { }
            }
        }
        if (status >= 100 && status < 200) {
            return readResponse(in); // interim (100 Continue): the real answer follows
        }
        boolean keepAlive = keepAliveHeader != null ? keepAliveHeader : !http10;
        byte[] body;
        if (status == 204 || status == 304) {
            body = new byte[0];
        } else if (chunked) {
            body = readChunked(in);
        } else if (contentLength >= 0) {
            if (contentLength > Integer.MAX_VALUE - 16) {
                throw new IOException("response too large: " + contentLength);
            }
            body = in.readNBytes((int) contentLength);
            if (body.length != contentLength) {
                throw new EOFException("response body ended after " + body.length + " of " + contentLength + " bytes");
            }
        } else {
            body = in.readAllBytes();
            keepAlive = false;
        }
        return new Response(status, body, keepAlive);
    }

    private static byte[] readChunked(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(in, false);
            int semi = sizeLine.indexOf(';');
            int size;
            try {
                size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).strip(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size: " + sizeLine);
            }
            if (size == 0) {
                while (!readLine(in, false).isEmpty()) {
                    // trailers
                }
                return out.toByteArray();
            }
            byte[] chunk = in.readNBytes(size);
            if (chunk.length != size) {
                throw new EOFException("chunk ended early");
            }
            out.write(chunk);
            if (!readLine(in, false).isEmpty()) {
                throw new IOException("chunk not followed by CRLF");
            }
        }
    }

    /** One header line without its CRLF; at the very start of a response, EOF means the server closed. */
    private static String readLine(InputStream in, boolean first) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (first && sb.length() == 0) {
                    throw new ClosedBeforeResponse();
                }
                throw new EOFException("response ended inside its head");
            }
            if (b == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return sb.toString();
            }
            if (sb.length() > 16 * 1024) {
                throw new IOException("header line too long");
            }
            sb.append((char) b);
        }
    }
}
