package dev.kiln.engine;

import java.time.Duration;
import java.time.Instant;

/** Retry policy: after the n-th failed attempt, wait 2^n seconds, at most 60. */
public final class Backoff {
  static final long MAX_SECONDS = 60;

  private Backoff() {}

  public static Duration after(int failedAttempts) {
    if (failedAttempts >= 6) {
      return Duration.ofSeconds(MAX_SECONDS);
    }
    return Duration.ofSeconds(Math.min(1L << Math.max(failedAttempts, 0), MAX_SECONDS));
  }

  public static Instant nextRunAt(Instant now, int failedAttempts) {
    return now.plus(after(failedAttempts));
  }
}
