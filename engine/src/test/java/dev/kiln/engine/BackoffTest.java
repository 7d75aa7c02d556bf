package dev.kiln.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void backoff_doubles_from_two_seconds_and_stops_at_sixty() {
    assertThat(Backoff.after(1)).isEqualTo(Duration.ofSeconds(2));
    assertThat(Backoff.after(2)).isEqualTo(Duration.ofSeconds(4));
    assertThat(Backoff.after(3)).isEqualTo(Duration.ofSeconds(8));
    assertThat(Backoff.after(5)).isEqualTo(Duration.ofSeconds(32));
    assertThat(Backoff.after(6)).isEqualTo(Duration.ofSeconds(60));
    assertThat(Backoff.after(40)).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void next_run_is_now_plus_the_backoff() {
    Instant now = Instant.parse("2026-11-25T10:00:00Z");
    assertThat(Backoff.nextRunAt(now, 2)).isEqualTo(Instant.parse("2026-11-25T10:00:04Z"));
  }
}
