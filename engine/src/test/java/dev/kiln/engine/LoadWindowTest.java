package dev.kiln.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LoadWindowTest {

  private static final long T0 = 1_000_000_000L;
  private static final int SLOTS = 4;

  private static long ms(long millis) {
    return T0 + TimeUnit.MILLISECONDS.toNanos(millis);
  }

  private static void complete(LoadWindow w, int handlers, long at) {
    for (int i = 0; i < handlers; i++) {
      w.completed(at);
    }
  }

  @Test
  void a_new_worker_has_work_trickling_in() {
    assertThat(new LoadWindow(SLOTS, T0).trickling(T0)).isTrue();
  }

  @Test
  void work_trickles_in_below_fifty_completions_a_window() {
    LoadWindow w = new LoadWindow(SLOTS, T0);
    complete(w, LoadWindow.TRICKLE_PER_WINDOW - 1, ms(10));
    assertThat(w.trickling(ms(20))).isTrue();
    w.completed(ms(30));
    assertThat(w.trickling(ms(40))).as("the fiftieth completion in one window").isFalse();
  }

  @Test
  void a_busy_window_still_counts_through_the_next_one() {
    LoadWindow w = new LoadWindow(SLOTS, T0);
    complete(w, LoadWindow.TRICKLE_PER_WINDOW, ms(50));
    assertThat(w.trickling(ms(150))).as("the window after the busy one").isFalse();
    assertThat(w.trickling(ms(250))).as("two windows on, with nothing finished in between").isTrue();
  }

  @Test
  void a_quiet_spell_of_a_whole_window_clears_the_load_at_once() {
    LoadWindow w = new LoadWindow(SLOTS, T0);
    complete(w, LoadWindow.TRICKLE_PER_WINDOW, ms(50));
    // The next event comes more than two windows after the busy one started: nothing carries over.
    assertThat(w.trickling(ms(210))).isTrue();
  }

  @Test
  void completions_spread_over_two_windows_are_not_added_up() {
    LoadWindow w = new LoadWindow(SLOTS, T0);
    complete(w, 40, ms(90));
    complete(w, 40, ms(110));
    assertThat(w.trickling(ms(120))).as("40 and 40: each window below 50").isTrue();
  }

  @Test
  void a_claim_bigger_than_the_slots_means_load() {
    LoadWindow w = new LoadWindow(SLOTS, T0);
    w.claimed(SLOTS, ms(10));
    assertThat(w.trickling(ms(10))).as("a claim that fills the slots").isTrue();
    w.claimed(SLOTS + 1, ms(20));
    assertThat(w.trickling(ms(20))).isFalse();
    assertThat(w.trickling(ms(150))).as("still in the window after").isFalse();
    assertThat(w.trickling(ms(260))).isTrue();
  }

  @Test
  void a_worker_with_one_slot_still_takes_claims_of_two_as_a_trickle() {
    LoadWindow w = new LoadWindow(1, T0);
    w.claimed(2, ms(10));
    assertThat(w.trickling(ms(10))).isTrue();
    w.claimed(3, ms(20));
    assertThat(w.trickling(ms(20))).isFalse();
  }
}
