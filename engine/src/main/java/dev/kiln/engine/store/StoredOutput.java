package dev.kiln.engine.store;

/**
 * A task's output as the database keeps it (schema v8, {@code tasks.output_bytes}): the JSON its
 * handler wrote, as UTF-8, compressed into one zstd frame (as {@link StoredInput}) from
 * {@value #COMPRESS_FROM} bytes on. Smaller outputs, such as every output of a tiny workflow, are
 * stored as they are: zstd would save them nothing and cost a native call each way.
 *
 * <p>Rows completed before v8 have their output in the {@code json} column; {@link #COLUMN} reads
 * them as UTF-8 bytes, which {@link #json} returns as they are (JSON cannot start with a zstd
 * frame's first byte).
 */
public final class StoredOutput {
  static final int COMPRESS_FROM = 512;

  /** A tasks row's output as stored, in SQL, for a table alias {@code t}: see {@link #json}. */
  static String column(String t) {
    return "coalesce(" + t + ".output_bytes, convert_to(" + t + ".output::text, 'UTF8'))";
  }

  private StoredOutput() {}

  /** What to store for an output's UTF-8 JSON. */
  public static byte[] of(byte[] json) {
    return json.length < COMPRESS_FROM ? json : StoredInput.compress(json, 0, json.length);
  }

  /** The UTF-8 JSON of a stored output (or of one from before v8). */
  public static byte[] json(byte[] stored) {
    return StoredInput.json(stored, "output");
  }
}
