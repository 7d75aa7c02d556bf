package dev.kiln.engine;

import java.util.concurrent.TimeUnit;

/**
 * A worker's sense of its load: whether work trickles in, so that latency counts more than
 * batching (see {@code WorkerVerticle.flush}). Work trickles in when, in the current and the
 * previous window, fewer handlers than {@link #TRICKLE_PER_WINDOW} finished and no claim brought
 * back more tasks than the worker's slots (or 2). Counted per window, not as an average gap:
 * completions come in bursts (a claimed batch runs through the slots), and one pause would swing an
 * average. The claim sizes keep it from feeding on itself: a worker slowed by the latency extras
 * falls behind, its claims grow, and it batches again.
 *
 * <p>Time comes in as an argument (nanoseconds from one monotonic clock), so the policy is tested
 * by stepping it. Not thread-safe: a worker uses it on its event loop.
 */
final class LoadWindow {

  /** Handlers finished per window below which work trickles in: under 500 a second. */
  static final int TRICKLE_PER_WINDOW = 50;
  static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final int claimLimit;
  private long windowStart;
  private int completed;
  private int completedBefore;
  private int largestClaim;
  private int largestClaimBefore;

  /** A window starting at {@code now}, for a worker with {@code slots} handler slots. */
  LoadWindow(int slots, long now) {
    this.claimLimit = Math.max(2, slots);
    this.windowStart = now;
  }

  /** A handler finished at {@code now}. */
  void completed(long now) {
    rotate(now);
    completed++;
  }

  /** A claim brought back {@code tasks} at {@code now}. */
  void claimed(int tasks, long now) {
    rotate(now);
    largestClaim = Math.max(largestClaim, tasks);
  }

  /** Whether work trickles in at {@code now}. */
  boolean trickling(long now) {
    rotate(now);
    return Math.max(completed, completedBefore) < TRICKLE_PER_WINDOW
        && Math.max(largestClaim, largestClaimBefore) <= claimLimit;
  }

  /** Starts a new window when the current one is over; a quiet spell of a whole window clears both. */
  private void rotate(long now) {
    if (now - windowStart < WINDOW_NANOS) {
      return;
    }
    boolean adjacent = now - windowStart < 2 * WINDOW_NANOS;
    completedBefore = adjacent ? completed : 0;
    largestClaimBefore = adjacent ? largestClaim : 0;
    completed = 0;
    largestClaim = 0;
    windowStart = now;
  }
}
