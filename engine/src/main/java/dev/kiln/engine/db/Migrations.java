package dev.kiln.engine.db;

import dev.kiln.engine.config.ConfigException;
import dev.kiln.engine.config.DatabaseUrl;
import dev.kiln.engine.config.KilnConfig;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/** Brings a database to Kiln's schema with the Flyway migrations shipped in the jar (from sql/). */
public final class Migrations {
  private Migrations() {}

  /**
   * Applies pending migrations. Blocking JDBC: call before Vert.x starts.
   *
   * @return the schema version now in place
   * @throws ConfigException naming KILN_DATABASE_URL when the database cannot be reached or migrated
   */
  public static String migrate(DatabaseUrl url) {
    Flyway flyway = Flyway.configure()
        .dataSource(url.jdbcUrl(), url.user(), url.password())
        .locations("classpath:db/migration")
        .connectRetries(0)
        .load();
    try {
      MigrateResult result = flyway.migrate();
      return result.targetSchemaVersion != null ? result.targetSchemaVersion
          : flyway.info().current() == null ? "none" : flyway.info().current().getVersion().getVersion();
    } catch (FlywayException e) {
      throw new ConfigException(KilnConfig.DATABASE_URL.env(),
          "cannot migrate " + url.redacted() + ": " + EmbeddedDatabase.rootMessage(e));
    }
  }
}
