package dev.kiln.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.Kiln;
import dev.kiln.engine.config.DatabaseUrl;
import dev.kiln.engine.config.KilnConfig;
import dev.kiln.engine.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load tool against a real Kiln (in this JVM, on a test database), as a user runs it: its
 * report must count what happened, and its completion checks must stay cheap for Kiln.
 */
class LoadToolKilnTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private static Kiln start(DatabaseUrl db, String roles) {
    return Kiln.start(KilnConfig.parse(Map.of("KILN_DATABASE_URL", db.secretUrl(), "KILN_HTTP_PORT", "0",
        "KILN_ROLES", roles), List.of()));
  }

  /** Runs the tool; returns its exit code and the JSON line it wrote. */
  private record Run(int exit, JsonNode report) {}

  private Run run(Kiln kiln, String... args) throws IOException {
    Path out = dir.resolve("runs.jsonl");
    Files.deleteIfExists(out);
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(1, List.of("--url", "http://127.0.0.1:" + kiln.httpPort(), "--out=" + out));
    int exit = LoadTool.run(all.toArray(String[]::new), Map.of());
    List<String> lines = Files.readAllLines(out);
    assertThat(lines).hasSize(1);
    return new Run(exit, JSON.readTree(lines.get(0)));
  }

  @Test
  void a_throughput_run_counts_every_workflow_and_reads_the_list_only_to_check_and_sweep() throws IOException {
    DatabaseUrl db = TestDatabase.create();
    try (Kiln kiln = start(db, "api,orchestrator,worker")) {
      Run run = run(kiln, "throughput", "--payload", "tiny", "-n", "300", "-c", "8", "--warmup", "2",
          "--status-probe", "10ms", "--pg-url", db.secretUrl(), "--pg-settle", "200ms",
          "--pid", Long.toString(ProcessHandle.current().pid()));
      JsonNode r = run.report();
      assertThat(run.exit()).as(r.toString()).isZero();
      assertThat(r.path("accepted").asLong()).isEqualTo(300);
      assertThat(r.path("completed").asLong()).isEqualTo(300);
      assertThat(r.path("submit_errors").asLong() + r.path("failed").asLong() + r.path("lost").asLong()).isZero();
      assertThat(r.path("timed_out").asBoolean()).isFalse();
      assertThat(r.path("throughput_wf_per_s").asDouble()).isPositive();
      assertThat(r.path("server_duration_ms").path("count").asLong()).isEqualTo(300);
      assertThat(r.path("verdict_counts").path("WARNING").asLong()).isEqualTo(300);
      assertThat(r.path("verdicts").path("valid").asLong()).isEqualTo(20);
      assertThat(r.path("status_probe_ms").path("count").asLong()).isPositive();
      assertThat(r.path("status_probe_errors").asLong()).isZero();
      // Every read is kept for pooling (ProbePool), the submitting ones first.
      assertThat(r.path("status_probe_samples_ms").size()).isEqualTo(r.path("status_probe_ms").path("count").asInt());
      assertThat(r.path("status_probe_submitting_reads").asInt())
          .isEqualTo(r.path("status_probe_submitting_ms").path("count").asInt());
      // The list reads are the checks (one or two one-item reads each) and one sweep: 300 ids fit
      // one page. Paging through the outstanding workflows while they ran read them over and over.
      long checks = r.path("completion_checks").asLong();
      assertThat(checks).isPositive();
      assertThat(r.path("sweep_pages").asLong()).isEqualTo(1);
      assertThat(r.path("list_reads").asLong()).isBetween(checks + 1, 2 * checks + 1);
      assertThat(r.path("list_errors").asLong()).isZero();
      assertThat(r.path("postgres").path("workflows").asLong()).isEqualTo(300);
      assertThat(r.path("kiln_process").path("cpu_s").asDouble()).isPositive();
    }
  }

  @Test
  void workflows_that_never_finish_are_lost_with_their_last_status_and_the_run_fails() throws IOException {
    // An API without workers or orchestrators: everything it accepts stays pending.
    try (Kiln kiln = start(TestDatabase.create(), "api")) {
      Run run = run(kiln, "throughput", "--payload", "tiny", "-n", "5", "-c", "2", "--warmup", "0",
          "--timeout", "1s", "--poll", "50ms");
      JsonNode r = run.report();
      assertThat(run.exit()).as(r.toString()).isEqualTo(1);
      assertThat(r.path("accepted").asLong()).isEqualTo(5);
      assertThat(r.path("completed").asLong()).isZero();
      assertThat(r.path("lost").asLong()).isEqualTo(5);
      assertThat(r.path("lost_by_status").path("pending").asLong()).isEqualTo(5);
      assertThat(r.path("timed_out").asBoolean()).isTrue();
      assertThat(r.path("throughput_wf_per_s").isNull()).as("no end to measure to").isTrue();
      assertThat(r.path("completion_checks").asLong()).isGreaterThan(5);
    }
  }
}
