package dev.kiln.api;

/**
 * When the event tailer may step over missing history ids. Ids are handed out before commit, so
 * when the next visible row is not {@code cursor + 1} the missing ids may belong to transactions
 * still running. The first time a gap after a cursor is seen, the tailer takes a fresh
 * transaction id: it is above the id of every transaction holding a missing history id (each of
 * those had written, so had its own id, before the visible higher history id was handed out).
 * Once a later snapshot's xmin is past it, all of them have finished, and an id still missing was
 * rolled back. (A snapshot's xmax would not do: a transaction still running can have an xid above
 * it.)
 *
 * <p>The fresh id belongs to one gap, the one after the cursor it was asked for. An answer that
 * arrives after the cursor has moved on is stale and must never be used for a later gap: it may be
 * below the transactions holding that gap's ids. Not thread-safe; used on one event loop.
 */
final class GapWait {
  private long gapAfter = -1;
  private long xid = -1;

  /**
   * Whether a fresh transaction id must be asked for, for the gap after {@code cursor}: true the
   * first time this gap is seen (then {@link #xidTaken} or {@link #askFailed} must follow).
   */
  boolean needsXid(long cursor) {
    if (gapAfter == cursor) {
      return false;
    }
    gapAfter = cursor;
    xid = -1;
    return true;
  }

  /** The fresh transaction id asked for the gap after {@code cursor}; ignored if stale. */
  void xidTaken(long cursor, long freshXid) {
    if (gapAfter == cursor && xid < 0) {
      xid = freshXid;
    }
  }

  /** Asking for the gap after {@code cursor} failed: ask again next time. */
  void askFailed(long cursor) {
    if (gapAfter == cursor && xid < 0) {
      gapAfter = -1;
    }
  }

  /** Whether the ids missing after {@code cursor} will never appear, judged by the xmin of the
   * snapshot the next visible row was read in. */
  boolean isFinal(long cursor, long snapshotXmin) {
    return gapAfter == cursor && xid >= 0 && snapshotXmin > xid;
  }
}
