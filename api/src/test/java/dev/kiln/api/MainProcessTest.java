package dev.kiln.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs Main in a child JVM, as an operator would, to check exit codes and what is printed. */
class MainProcessTest {

  record Result(int exitCode, String stdout, String stderr) {}

  private static Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
        Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().keySet().removeIf(k -> k.startsWith("KILN_"));
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    boolean done = p.waitFor(60, TimeUnit.SECONDS);
    assertThat(done).as("process finished").isTrue();
    return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void help_lists_the_settings_and_exits_zero() throws Exception {
    Result r = run(Map.of(), "--help");
    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).contains("KILN_DATABASE_URL").contains("--http-port").contains("default: 127.0.0.1");
  }

  @Test
  void an_unknown_role_ends_the_process_with_one_line_naming_the_setting() throws Exception {
    Result r = run(Map.of("KILN_ROLES", "api,janitor"));
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr().strip()).isEqualTo("kiln: KILN_ROLES: unknown role janitor; roles are api, orchestrator, worker");
  }

  @Test
  void a_port_out_of_range_ends_the_process_with_one_line() throws Exception {
    Result r = run(Map.of(), "--http-port=99999");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr().strip()).isEqualTo("kiln: KILN_HTTP_PORT: must be from 0 to 65535, got 99999");
  }

  @Test
  void an_unreachable_database_ends_the_process_with_one_line_naming_the_setting() throws Exception {
    Result r = run(Map.of("KILN_DATABASE_URL", "postgresql://kiln:pw@127.0.0.1:1/kiln"));
    assertThat(r.exitCode()).isEqualTo(1);
    List<String> lines = r.stderr().strip().lines().toList();
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).startsWith("kiln: KILN_DATABASE_URL: cannot migrate postgresql://kiln:***@127.0.0.1:1/kiln: ");
  }
}
