package dev.kiln.engine.store;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import dev.kiln.engine.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A workflow's input as the database keeps it (schema v4): the submitted JSON as one zstd frame.
 *
 * <p>Compressing in Kiln rather than in PostgreSQL cuts a realistic input from ~115 TOAST chunks to
 * ~38, on insert and on every claim that reads it back; see {@code V4__compressed_input.sql}.
 * Level 1 was measured best: levels 2 and 3 compress no smaller on these inputs and take longer,
 * negative levels save little time for a fifth more bytes.
 */
public final class StoredInput {
  static final int LEVEL = 1;

  /**
   * A workflows row's input as stored, in SQL: the zstd frame, or for a row from before v4 its
   * text as UTF-8 bytes. {@link #json} reads either.
   */
  static final String COLUMN = "coalesce(input_zstd, convert_to(input, 'UTF8'))";

  /**
   * A zstd frame starts with 0xFD2FB528, little-endian. Inputs stored before v4 are UTF-8 JSON, and
   * JSON cannot start with its first byte, '('.
   */
  private static final byte[] ZSTD_MAGIC = {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD};

  private StoredInput() {}

  /** Compresses {@code length} bytes of JSON starting at {@code offset}. */
  public static byte[] compress(byte[] json, int offset, int length) {
    byte[] dst = new byte[Math.toIntExact(Zstd.compressBound(length))];
    // Throws ZstdException on failure; with a destination of compressBound there is none to expect.
    long n = Zstd.compressByteArray(dst, 0, dst.length, json, offset, length, LEVEL);
    return Arrays.copyOf(dst, (int) n);
  }

  public static byte[] compress(String json) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    return compress(bytes, 0, bytes.length);
  }

  /**
   * The JSON of a stored input: a zstd frame is decompressed, anything else (a row stored before
   * v4, read as UTF-8 bytes) is returned as it is.
   */
  public static byte[] json(byte[] stored) {
    if (!isCompressed(stored)) {
      return stored;
    }
    long size = Zstd.getFrameContentSize(stored);
    if (size < 0 || size > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("stored input has no usable content size (" + size + ")");
    }
    byte[] json = new byte[(int) size];
    long n;
    try {
      n = Zstd.decompressByteArray(json, 0, json.length, stored, 0, stored.length);
    } catch (ZstdException e) {
      throw new IllegalStateException("stored input is corrupt: " + e.getMessage(), e);
    }
    if (n != size) {
      throw new IllegalStateException("stored input is corrupt: " + n + " of " + size + " bytes");
    }
    return json;
  }

  /**
   * Fails now, naming the fix, when zstd's native library cannot load: it is unpacked to
   * java.io.tmpdir on first use, which a noexec /tmp refuses. Better a clear line at start-up than
   * a 500 on the first submission.
   */
  public static void requireNativeLibrary() {
    requireNativeLibrary(() -> json(compress("{}")));
  }

  static void requireNativeLibrary(Runnable roundTrip) {
    try {
      roundTrip.run();
    } catch (LinkageError | RuntimeException e) { // UnsatisfiedLinkError, ExceptionInInitializerError, ...
      throw new ConfigException("java.io.tmpdir", "the zstd library Kiln stores inputs with did not load from "
          + System.getProperty("java.io.tmpdir") + " (" + e + "); start Java with -Djava.io.tmpdir= a directory"
          + " that allows executables");
    }
  }

  static boolean isCompressed(byte[] stored) {
    if (stored.length < ZSTD_MAGIC.length) {
      return false;
    }
    for (int i = 0; i < ZSTD_MAGIC.length; i++) {
      if (stored[i] != ZSTD_MAGIC[i]) {
        return false;
      }
    }
    return true;
  }
}
