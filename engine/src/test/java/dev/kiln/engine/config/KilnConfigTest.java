package dev.kiln.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KilnConfigTest {

  private static KilnConfig env(Map<String, String> env) {
    return KilnConfig.parse(env, List.of());
  }

  @Test
  void defaults_run_every_role_on_loopback_8080_with_an_embedded_database() {
    KilnConfig c = KilnConfig.defaults();
    assertThat(c.databaseUrl()).isEmpty();
    assertThat(c.httpHost()).isEqualTo("127.0.0.1");
    assertThat(c.httpPort()).isEqualTo(8080);
    assertThat(c.roles()).isEqualTo(EnumSet.allOf(Role.class));
    assertThat(c.workerConcurrency()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(c.dataDir()).isEqualTo(Path.of(System.getProperty("user.home"), ".kiln"));
    assertThat(c.lease()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.backgroundNice()).isEqualTo(10);
  }

  @Test
  void environment_variables_set_each_value() {
    KilnConfig c = env(Map.of(
        "KILN_DATABASE_URL", "postgresql://kiln:s3cret@db.example:6543/kiln",
        "KILN_HTTP_HOST", "0.0.0.0",
        "KILN_HTTP_PORT", "9090",
        "KILN_ROLES", "worker, orchestrator",
        "KILN_WORKER_CONCURRENCY", "7",
        "KILN_DATA_DIR", "/var/lib/kiln",
        "KILN_LEASE", "45s",
        "KILN_POLL_INTERVAL", "250ms"));
    assertThat(c.databaseUrl()).contains(new DatabaseUrl("db.example", 6543, "kiln", "kiln", "s3cret"));
    assertThat(c.httpHost()).isEqualTo("0.0.0.0");
    assertThat(c.httpPort()).isEqualTo(9090);
    assertThat(c.roles()).containsExactlyInAnyOrder(Role.WORKER, Role.ORCHESTRATOR);
    assertThat(c.workerConcurrency()).isEqualTo(7);
    assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/kiln"));
    assertThat(c.lease()).isEqualTo(Duration.ofSeconds(45));
    assertThat(c.pollInterval()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void flags_override_environment_variables_in_both_spellings() {
    KilnConfig c = KilnConfig.parse(Map.of("KILN_HTTP_PORT", "9090", "KILN_ROLES", "api"),
        List.of("--http-port=7070", "--roles", "worker"));
    assertThat(c.httpPort()).isEqualTo(7070);
    assertThat(c.roles()).containsExactly(Role.WORKER);
  }

  @Test
  void an_unknown_role_is_named() {
    assertThatThrownBy(() -> env(Map.of("KILN_ROLES", "api,wroker")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("KILN_ROLES: unknown role wroker; roles are api, orchestrator, worker");
  }

  @Test
  void an_empty_role_list_is_refused() {
    assertThatThrownBy(() -> env(Map.of("KILN_ROLES", " , ")))
        .hasMessageStartingWith("KILN_ROLES: names no role");
  }

  @Test
  void a_port_out_of_range_is_named() {
    assertThatThrownBy(() -> env(Map.of("KILN_HTTP_PORT", "70000")))
        .hasMessage("KILN_HTTP_PORT: must be from 0 to 65535, got 70000");
    assertThatThrownBy(() -> env(Map.of("KILN_HTTP_PORT", "eighty")))
        .hasMessage("KILN_HTTP_PORT: must be a whole number from 0 to 65535, got \"eighty\"");
  }

  @Test
  void background_nice_is_0_to_19() {
    assertThat(env(Map.of("KILN_BACKGROUND_NICE", "0")).backgroundNice()).isZero();
    assertThatThrownBy(() -> env(Map.of("KILN_BACKGROUND_NICE", "20")))
        .hasMessage("KILN_BACKGROUND_NICE: must be from 0 to 19, got 20");
  }

  @Test
  void worker_concurrency_must_be_positive() {
    assertThatThrownBy(() -> env(Map.of("KILN_WORKER_CONCURRENCY", "0")))
        .hasMessageStartingWith("KILN_WORKER_CONCURRENCY: must be from 1");
  }

  @Test
  void a_malformed_database_url_is_named() {
    assertThatThrownBy(() -> env(Map.of("KILN_DATABASE_URL", "mysql://x@y/z")))
        .hasMessage("KILN_DATABASE_URL: must start with postgresql:// (got mysql://)");
    assertThatThrownBy(() -> env(Map.of("KILN_DATABASE_URL", "postgresql://user@host")))
        .hasMessageStartingWith("KILN_DATABASE_URL: must name one database");
    assertThatThrownBy(() -> env(Map.of("KILN_DATABASE_URL", "postgresql:///kiln")))
        .hasMessageStartingWith("KILN_DATABASE_URL: has no host");
    assertThatThrownBy(() -> env(Map.of("KILN_DATABASE_URL", "postgresql://a b@host/db")))
        .hasMessageStartingWith("KILN_DATABASE_URL: not a URL");
  }

  @Test
  void a_bad_duration_is_named() {
    assertThatThrownBy(() -> env(Map.of("KILN_LEASE", "30")))
        .hasMessageStartingWith("KILN_LEASE: must be a duration like");
    assertThatThrownBy(() -> env(Map.of("KILN_LEASE", "100ms")))
        .hasMessage("KILN_LEASE: must be between 1s and 24h, got 100ms");
  }

  @Test
  void an_unknown_flag_or_a_flag_without_value_is_named() {
    assertThatThrownBy(() -> KilnConfig.parse(Map.of(), List.of("--colour=blue")))
        .hasMessage("--colour: unknown option; --help lists the settings");
    assertThatThrownBy(() -> KilnConfig.parse(Map.of(), List.of("--http-port")))
        .hasMessage("--http-port: needs a value");
  }

  @Test
  void help_lists_every_setting_with_its_flag_and_default() {
    String help = KilnConfig.help();
    for (KilnConfig.Setting s : KilnConfig.SETTINGS) {
      assertThat(help).contains(s.env()).contains(s.flag());
    }
    assertThat(help).contains("default: 8080").contains("default: api,orchestrator,worker");
    assertThat(KilnConfig.wantsHelp(List.of("--help"))).isTrue();
  }
}
