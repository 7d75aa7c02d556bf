package dev.kiln.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class WakeTest {

  @Test
  void a_payload_names_the_history_id_the_roles_to_wake_and_the_workflows() {
    Wake w = Wake.parse("42:wt:7,9");
    assertThat(w).isEqualTo(new Wake(42, false, true, true, false, List.of(7L, 9L)));
    assertThat(Wake.fromJson(w.toJson())).isEqualTo(w);
  }

  @Test
  void a_pending_workflow_wakes_only_the_expanding_orchestrators() {
    Wake w = Wake.parse("3:p:");
    assertThat(w.pending()).isTrue();
    assertThat(w.orchestrator()).isFalse();
    assertThat(w.worker()).isFalse();
  }

  @Test
  void a_star_means_every_running_workflow() {
    assertThat(Wake.parse("1:w:*").allWorkflows()).isTrue();
  }

  @Test
  void a_worker_only_payload_does_not_wake_orchestrators() {
    Wake w = Wake.parse("5:t:");
    assertThat(w.orchestrator()).isFalse();
    assertThat(w.worker()).isTrue();
    assertThat(w.workflowIds()).isEmpty();
  }
}
