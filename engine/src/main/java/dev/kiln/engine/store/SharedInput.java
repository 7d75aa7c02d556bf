package dev.kiln.engine.store;

import dev.kiln.handlers.WorkflowInput;

/**
 * A workflow's input as claimed, parsed at most once however many of the claimed tasks need it:
 * the claim sends it once per workflow (detect_outliers and analyze_trends claimed together share
 * one copy), and the first task to run parses it while the other waits for that result instead of
 * parsing 200 KB again. Thread-safe; the bytes are dropped once parsed.
 *
 * <p>It holds the input as stored ({@link StoredInput}): decompressing is left to that same first
 * call, so it too runs on a worker thread, never on the event loop that received the claim.
 */
public final class SharedInput {
  private byte[] stored;
  private WorkflowInput parsed;
  private RuntimeException failed;

  public SharedInput(byte[] stored) {
    this.stored = stored;
  }

  /** The parsed input (decompressing and parsing it on the first call, on the caller's thread). */
  public synchronized WorkflowInput get() {
    if (parsed == null && failed == null) {
      try {
        parsed = WorkflowInput.parse(StoredInput.json(stored));
      } catch (RuntimeException e) {
        failed = e;
      }
      stored = null;
    }
    if (failed != null) {
      throw failed;
    }
    return parsed;
  }
}
