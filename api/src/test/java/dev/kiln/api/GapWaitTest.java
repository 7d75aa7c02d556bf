package dev.kiln.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GapWaitTest {
  private final GapWait gap = new GapWait();

  @Test
  void a_gap_is_final_only_once_a_snapshot_xmin_passes_the_fresh_xid_taken_for_it() {
    assertThat(gap.needsXid(10)).isTrue();
    assertThat(gap.isFinal(10, 1_000)).as("no xid yet").isFalse();
    assertThat(gap.needsXid(10)).as("asked once per gap").isFalse();
    gap.xidTaken(10, 500);
    assertThat(gap.isFinal(10, 500)).as("xmin equal to the xid: it may still run").isFalse();
    assertThat(gap.isFinal(10, 501)).isTrue();
  }

  @Test
  void an_answer_for_a_gap_the_cursor_has_already_passed_is_never_used_for_the_next_gap() {
    assertThat(gap.needsXid(10)).isTrue();
    // The missing id commits and the cursor moves on before the answer arrives; then a new gap.
    assertThat(gap.needsXid(25)).isTrue();
    gap.xidTaken(10, 500); // stale: lower than the transactions holding the ids after 25
    assertThat(gap.isFinal(25, 600)).isFalse();
    gap.xidTaken(25, 700);
    assertThat(gap.isFinal(25, 600)).isFalse();
    assertThat(gap.isFinal(25, 701)).isTrue();
  }

  @Test
  void a_verdict_for_one_cursor_says_nothing_about_another() {
    assertThat(gap.needsXid(10)).isTrue();
    gap.xidTaken(10, 500);
    assertThat(gap.isFinal(11, 10_000)).isFalse();
    assertThat(gap.needsXid(11)).isTrue();
    assertThat(gap.isFinal(11, 10_000)).isFalse();
  }

  @Test
  void a_failed_ask_is_asked_again_and_a_late_failure_does_not_undo_an_answer() {
    assertThat(gap.needsXid(10)).isTrue();
    gap.askFailed(10);
    assertThat(gap.needsXid(10)).isTrue();
    gap.xidTaken(10, 500);
    gap.askFailed(10);
    assertThat(gap.needsXid(10)).isFalse();
    assertThat(gap.isFinal(10, 501)).isTrue();
  }
}
