package dev.kiln.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.engine.testing.EngineHarness;
import dev.kiln.engine.testing.Handlers;
import dev.kiln.engine.testing.MutableClock;
import dev.kiln.handlers.HandlerRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetentionTest {
  private static final String SPEC = """
      {"workflow_type": "pair", "tasks": [{"task_type": "a"}, {"task_type": "b", "depends_on": ["a"]}]}""";

  @Test
  void finished_workflows_older_than_the_retention_are_deleted_with_everything_they_own_so_tables_stay_flat() {
    HandlerRegistry reg = new HandlerRegistry(List.of(Handlers.constant("a"), Handlers.constant("b")));
    MutableClock clock = new MutableClock(Instant.now());
    try (EngineHarness h = EngineHarness.create(reg, List.of(SPEC), clock, Map.of("KILN_RETENTION", "10s")).startEngine()) {
      List<Long> rowsAfterEachWave = new ArrayList<>();
      for (int wave = 0; wave < 4; wave++) {
        for (int i = 0; i < 40; i++) {
          h.submit("pair", "{}");
        }
        h.awaitValue(Duration.ofSeconds(30), "SELECT count(*) FROM workflows WHERE workflow_type = 'pair' AND status <> 'completed'",
            v -> ((Number) v).longValue() == 0);
        rowsAfterEachWave.add(h.count("SELECT (SELECT count(*) FROM workflows) + (SELECT count(*) FROM tasks) "
            + "+ (SELECT count(*) FROM task_logs) + (SELECT count(*) FROM task_history)"));
        // A workflow still running is never deleted, however old.
        h.query("INSERT INTO workflows (workflow_type, input, status, created_at) VALUES ('sentinel', '{}', 'running', $1)",
            clock.instant().atOffset(java.time.ZoneOffset.UTC).minusDays(1));
        clock.advance(Duration.ofSeconds(11));
        h.awaitValue(Duration.ofSeconds(30), "SELECT count(*) FROM workflows WHERE status = 'completed'",
            v -> ((Number) v).longValue() == 0);
        assertThat(h.count("SELECT count(*) FROM tasks")).isZero();
        assertThat(h.count("SELECT count(*) FROM task_logs")).isZero();
        assertThat(h.count("SELECT count(*) FROM task_history WHERE workflow_id IN "
            + "(SELECT id FROM workflows WHERE status <> 'running')")).isZero();
        assertThat(h.count("SELECT count(*) FROM task_history h WHERE NOT EXISTS "
            + "(SELECT 1 FROM workflows w WHERE w.id = h.workflow_id)")).as("history of deleted workflows").isZero();
        assertThat(h.count("SELECT count(*) FROM workflows WHERE status = 'running'")).isEqualTo(wave + 1);
      }
      // Every wave leaves the same number of rows behind: nothing accumulates.
      assertThat(rowsAfterEachWave.stream().distinct().count()).as(rowsAfterEachWave.toString()).isLessThanOrEqualTo(4);
      assertThat(rowsAfterEachWave.get(3) - rowsAfterEachWave.get(0)).isLessThanOrEqualTo(3 * 2);
    }
  }
}
