package dev.kiln.engine.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

  @Test
  void parses_user_password_host_port_and_database() {
    DatabaseUrl url = DatabaseUrl.parse("X", "postgresql://kiln:pa%40ss@localhost:5433/kiln_db");
    assertThat(url).isEqualTo(new DatabaseUrl("localhost", 5433, "kiln_db", "kiln", "pa@ss"));
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5433/kiln_db");
    assertThat(url.redacted()).isEqualTo("postgresql://kiln:***@localhost:5433/kiln_db");
    assertThat(url.toString()).doesNotContain("pa@ss");
  }

  @Test
  void defaults_port_5432_and_user_postgres() {
    DatabaseUrl url = DatabaseUrl.parse("X", "postgres://db/kiln");
    assertThat(url.port()).isEqualTo(5432);
    assertThat(url.user()).isEqualTo("postgres");
    assertThat(url.password()).isNull();
  }

  @Test
  void connect_options_carry_every_part() {
    var options = DatabaseUrl.parse("X", "postgresql://u:p@h:1234/d").connectOptions();
    assertThat(options.getHost()).isEqualTo("h");
    assertThat(options.getPort()).isEqualTo(1234);
    assertThat(options.getDatabase()).isEqualTo("d");
    assertThat(options.getUser()).isEqualTo("u");
    assertThat(options.getPassword()).isEqualTo("p");
  }
}
