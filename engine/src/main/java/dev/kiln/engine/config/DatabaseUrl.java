package dev.kiln.engine.config;

import io.vertx.pgclient.PgConnectOptions;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** Where Kiln's PostgreSQL is: parsed from {@code postgresql://user:password@host:port/db}. */
public record DatabaseUrl(String host, int port, String database, String user, String password) {

  public DatabaseUrl {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(user, "user");
  }

  /** Parses a URL, naming {@code setting} in the error when it is malformed. */
  public static DatabaseUrl parse(String setting, String text) {
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new ConfigException(setting, "not a URL (" + e.getReason() + "); expected postgresql://user:password@host:port/db");
    }
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equals("postgresql") || scheme.equals("postgres"))) {
      throw new ConfigException(setting, "must start with postgresql:// (got " + (scheme == null ? "no scheme" : scheme + "://") + ")");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new ConfigException(setting, "has no host; expected postgresql://user:password@host:port/db");
    }
    int port = uri.getPort() == -1 ? 5432 : uri.getPort();
    if (port < 1 || port > 65535) {
      throw new ConfigException(setting, "port must be 1..65535");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String database = decode(path.startsWith("/") ? path.substring(1) : path);
    if (database.isEmpty() || database.contains("/")) {
      throw new ConfigException(setting, "must name one database after the host, e.g. postgresql://kiln@localhost:5432/kiln");
    }
    String user = "postgres";
    String password = null;
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
    }
    return new DatabaseUrl(uri.getHost(), port, database, user, password);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + hostForUrl() + ":" + port + "/" + database;
  }

  /** Longest statement the connection's prepared-statement cache keeps (see connectOptions). */
  public static final int STATEMENT_CACHE_SQL_LIMIT = 16_384;

  public PgConnectOptions connectOptions() {
    PgConnectOptions options = new PgConnectOptions()
        .setHost(host)
        .setPort(port)
        .setDatabase(database)
        .setUser(user)
        .setCachePreparedStatements(true)
        // The client caches only statements up to this many characters (2,048 by default): a
        // longer one, such as the finaliser's, was parsed and planned again on every call.
        .setPreparedStatementCacheSqlLimit(STATEMENT_CACHE_SQL_LIMIT)
        .setPipeliningLimit(256);
    if (password != null) {
      options.setPassword(password);
    }
    return options;
  }

  /** The same database on the same server: used by tests and tools that create scratch databases. */
  public DatabaseUrl withDatabase(String otherDatabase) {
    return new DatabaseUrl(host, port, otherDatabase, user, password);
  }

  private String hostForUrl() {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  /** The full URL, password included, as KILN_DATABASE_URL takes it (never log this). */
  public String secretUrl() {
    String auth = java.net.URLEncoder.encode(user, StandardCharsets.UTF_8)
        + (password == null ? "" : ":" + java.net.URLEncoder.encode(password, StandardCharsets.UTF_8));
    return "postgresql://" + auth + "@" + hostForUrl() + ":" + port + "/" + database;
  }

  /** The URL without its password, for logs. */
  public String redacted() {
    return "postgresql://" + user + (password == null ? "" : ":***") + "@" + hostForUrl() + ":" + port + "/" + database;
  }

  @Override
  public String toString() {
    return redacted();
  }
}
