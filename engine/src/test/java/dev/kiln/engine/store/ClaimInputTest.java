package dev.kiln.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.engine.testing.EngineHarness;
import dev.kiln.engine.testing.Handlers;
import dev.kiln.handlers.HandlerRegistry;
import dev.kiln.handlers.SamplePayloads;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The claim sends a workflow's input once per batch, and its tasks share one parse of it. */
class ClaimInputTest {
  private static final String SPEC = """
      {"workflow_type": "fanout", "tasks": [
        {"task_type": "a"}, {"task_type": "b"}, {"task_type": "c", "depends_on": ["a"]}]}
      """;

  /** Workflows get expanded into tasks; nothing claims them but the test. */
  private static EngineHarness orchestratorOnly() {
    HandlerRegistry reg = new HandlerRegistry(List.of(Handlers.constant("a"), Handlers.constant("b"),
        Handlers.constant("c")));
    return EngineHarness.create(reg, List.of(SPEC), Clock.systemUTC(), Map.of("KILN_ROLES", "orchestrator"))
        .startEngine();
  }

  @Test
  void tasks_of_one_workflow_claimed_together_share_one_input_and_others_get_none() {
    try (EngineHarness h = orchestratorOnly()) {
      long first = h.submit("fanout", SamplePayloads.tiny());
      long second = h.submit("fanout", SamplePayloads.realistic(3));
      h.awaitValue(Duration.ofSeconds(20), "SELECT count(*) FROM tasks", v -> ((Number) v).longValue() == 6);
      TaskStore store = new TaskStore(h.pool);
      // "a" and "b" read the input; "c" (not ready yet anyway) would not.
      List<ClaimedTask> claimed = EngineHarness.await(store.claim(h.clock.instant(), 10, "w1", Duration.ofMinutes(1),
          new String[] {"a", "b"}));
      assertThat(claimed).extracting(ClaimedTask::taskType).containsExactly("a", "b", "a", "b");
      Map<Long, List<ClaimedTask>> byWorkflow = claimed.stream().collect(Collectors.groupingBy(ClaimedTask::workflowId));
      SharedInput one = byWorkflow.get(first).get(0).input();
      SharedInput two = byWorkflow.get(second).get(0).input();
      assertThat(one).isNotNull().isSameAs(byWorkflow.get(first).get(1).input());
      assertThat(two).isNotNull().isSameAs(byWorkflow.get(second).get(1).input()).isNotSameAs(one);
      assertThat(one.get().sensors()).hasSize(1);
      assertThat(two.get().sensors()).hasSize(50);
      assertThat(one.get()).as("parsed once, then kept").isSameAs(one.get());
    }
  }

  @Test
  void a_task_type_that_does_not_read_the_input_gets_none() {
    try (EngineHarness h = orchestratorOnly()) {
      h.submit("fanout", SamplePayloads.tiny());
      h.awaitValue(Duration.ofSeconds(20), "SELECT count(*) FROM tasks", v -> ((Number) v).longValue() == 3);
      List<ClaimedTask> claimed = EngineHarness.await(new TaskStore(h.pool).claim(h.clock.instant(), 10, "w1",
          Duration.ofMinutes(1), new String[] {"b"}));
      assertThat(claimed).extracting(ClaimedTask::taskType).containsExactly("a", "b");
      assertThat(claimed.get(0).input()).isNull();
      assertThat(claimed.get(1).input()).isNotNull();
      assertThat(claimed.get(1).input().get().measurements()).hasSize(1);
    }
  }

  @Test
  void an_input_stored_before_v4_as_text_is_still_read() {
    try (EngineHarness h = orchestratorOnly()) {
      h.query("INSERT INTO workflows (workflow_type, input) VALUES ('fanout', $1)", SamplePayloads.realistic(5));
      long compressed = h.submit("fanout", SamplePayloads.realistic(5));
      h.awaitValue(Duration.ofSeconds(20), "SELECT count(*) FROM tasks", v -> ((Number) v).longValue() == 6);
      assertThat(h.count("SELECT count(*) FROM workflows WHERE input IS NULL AND input_zstd IS NOT NULL AND id = $1",
          compressed)).isEqualTo(1);
      List<ClaimedTask> claimed = EngineHarness.await(new TaskStore(h.pool).claim(h.clock.instant(), 10, "w1",
          Duration.ofMinutes(1), new String[] {"a"}));
      List<SharedInput> inputs = claimed.stream().filter(c -> c.taskType().equals("a")).map(ClaimedTask::input).toList();
      assertThat(inputs).hasSize(2).doesNotContainNull();
      // The same payload, one stored as text and one compressed, parses to the same values.
      assertThat(inputs.get(0).get().sensors().get(7).values())
          .isEqualTo(inputs.get(1).get().sensors().get(7).values())
          .hasSize(500);
    }
  }
}
