package dev.kiln.bench;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Reads PostgreSQL's committed-transaction counter of Kiln's database over one JDBC connection kept
 * open for the whole run (opening a connection mid-run would add transactions of its own).
 */
final class PgCounter implements AutoCloseable {

    static final String QUERY = "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()";

    /** A JDBC URL and its credentials, out of {@code postgresql://user:pass@host:port/db}. */
    record Target(String jdbcUrl, String user, String password) {
        Properties properties() {
            Properties p = new Properties();
            if (user != null) {
                p.setProperty("user", user);
            }
            if (password != null) {
                p.setProperty("password", password);
            }
            p.setProperty("ApplicationName", "kiln-bench");
            return p;
        }

        /** The URL without the password, for the report. */
        String display() {
            return jdbcUrl + (user == null ? "" : " (user " + user + ")");
        }
    }

    private final Connection connection;
    private int reads;

    private PgCounter(Connection connection) {
        this.connection = connection;
    }

    static PgCounter connect(String url) throws SQLException {
        Target t = parse(url);
        Connection c = DriverManager.getConnection(t.jdbcUrl(), t.properties());
        c.setAutoCommit(true);
        return new PgCounter(c);
    }

    /** {@code postgresql://} or {@code postgres://} URLs (user, password and port optional; query kept), or a {@code jdbc:postgresql:} URL as is. */
    static Target parse(String url) {
        String text = url.strip();
        if (text.startsWith("jdbc:postgresql:")) {
            return new Target(text, null, null);
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--pg-url is not a URL: " + e.getReason());
        }
        if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
            throw new IllegalArgumentException("--pg-url must start with postgresql://, got " + text);
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("--pg-url has no host: " + text);
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        String database = path.startsWith("/") ? path.substring(1) : path;
        if (database.isEmpty()) {
            database = "postgres";
        }
        String host = uri.getHost().contains(":") && !uri.getHost().startsWith("[") ? "[" + uri.getHost() + "]" : uri.getHost();
        String jdbc = "jdbc:postgresql://" + host + ":" + (uri.getPort() == -1 ? 5432 : uri.getPort()) + "/" + database
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        String user = null;
        String password = null;
        String info = uri.getRawUserInfo();
        if (info != null && !info.isEmpty()) {
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? null : decode(info.substring(colon + 1));
        }
        return new Target(jdbc, user, password);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The database's xact_commit now (one transaction of this connection, counted by later reads). */
    long xactCommit() throws SQLException {
        reads++;
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(QUERY)) {
            if (!rs.next()) {
                throw new SQLException("pg_stat_database has no row for the current database");
            }
            return rs.getLong(1);
        }
    }

    /** The server process serving this connection (on this machine when the server is local). */
    long backendPid() throws SQLException {
        reads++;
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    int reads() {
        return reads;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
