package dev.kiln.engine.testing;

import dev.kiln.engine.config.DatabaseUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** A LISTEN on Kiln's channel for tests: the payloads of the notifications sent since the last look. */
public final class Notifications implements AutoCloseable {
  private final Connection listener;

  public Notifications(DatabaseUrl url) throws SQLException {
    listener = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
    try (Statement l = listener.createStatement()) {
      l.execute("LISTEN kiln");
    }
  }

  /** Every payload received since the last call, oldest first. */
  public List<String> drain() throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement poke = listener.createStatement()) {
      poke.execute("SELECT 1"); // notifications arrive with the next exchange
    }
    PGNotification[] got = listener.unwrap(PGConnection.class).getNotifications(2_000);
    for (PGNotification n : got == null ? new PGNotification[0] : got) {
      out.add(n.getParameter());
    }
    return out;
  }

  /** A payload's flags: {@code "<history id>:<flags>:<workflow ids>"}. */
  public static String flags(String payload) {
    return payload.split(":", 3)[1];
  }

  @Override
  public void close() throws SQLException {
    listener.close();
  }
}
