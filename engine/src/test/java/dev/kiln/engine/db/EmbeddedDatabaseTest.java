package dev.kiln.engine.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.engine.config.DatabaseUrl;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded server's exit hook: it stops the server only after the owner (Kiln) has stopped
 * using it, so that a graceful stop can still record and hand back tasks. The whole-process
 * behaviour on SIGTERM is in the API module's EmbeddedShutdownTest.
 */
class EmbeddedDatabaseTest {

  @Test
  void at_exit_it_waits_for_an_owner_that_stops_it(@TempDir Path dir) throws Exception {
    EmbeddedDatabase db = EmbeddedDatabase.start(dir);
    DatabaseUrl url = db.url();
    db.ownerStopsOnExit(Duration.ofMinutes(1));
    CompletableFuture<Boolean> hook = CompletableFuture.supplyAsync(db::stopOnExit);
    // While the hook waits, the owner still has its database.
    assertThat(answers(url)).isTrue();
    assertThat(hook).isNotDone();
    db.close();
    assertThat(hook.get(60, TimeUnit.SECONDS)).as("stopped by its owner").isTrue();
    assertThat(answers(url)).isFalse();
  }

  @Test
  void at_exit_it_stops_the_server_itself_when_the_owner_takes_longer_than_it_said(@TempDir Path dir) {
    EmbeddedDatabase db = EmbeddedDatabase.start(dir);
    DatabaseUrl url = db.url();
    db.ownerStopsOnExit(Duration.ofMillis(200));
    assertThat(db.stopOnExit()).as("stopped by its owner").isFalse();
    assertThat(answers(url)).isFalse();
    db.close(); // the owner's late stop finds it stopped
  }

  @Test
  void at_exit_before_an_owner_took_charge_it_stops_the_server_at_once(@TempDir Path dir) {
    // Kiln still starting: nothing would stop the server if the hook waited.
    EmbeddedDatabase db = EmbeddedDatabase.start(dir);
    DatabaseUrl url = db.url();
    assertThat(db.stopOnExit()).isFalse();
    assertThat(answers(url)).isFalse();
  }

  @Test
  void a_server_whose_owner_is_alive_is_not_taken_for_an_orphan(@TempDir Path dir) {
    // This JVM holds the directory's lock: another start must leave the server alone (and then
    // fail to lock the directory itself). Left running by a killed process, the next start stops
    // it: EmbeddedShutdownTest in the API module.
    EmbeddedDatabase db = EmbeddedDatabase.start(dir);
    try {
      EmbeddedDatabase.stopOrphanedServer(db.dataDirectory());
      assertThat(answers(db.url())).isTrue();
    } finally {
      db.close();
    }
  }

  private static boolean answers(DatabaseUrl url) {
    try (Connection c = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password())) {
      return c.isValid(5);
    } catch (SQLException e) {
      return false;
    }
  }
}
