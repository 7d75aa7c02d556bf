package dev.kiln.api;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.Arrays;

/**
 * A request body as the bytes it already occupies: a slice of the body buffer's own array when it
 * has one, so validating and storing a 14 MB input does not start by copying it.
 */
record Body(byte[] array, int offset, int length) {
  private static final Body EMPTY = new Body(new byte[0], 0, 0);

  static Body of(Buffer buffer) {
    if (buffer == null || buffer.length() == 0) {
      return EMPTY;
    }
    if (buffer instanceof BufferInternal internal) {
      ByteBuf bytes = internal.getByteBuf();
      if (bytes.hasArray()) {
        return new Body(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes());
      }
    }
    byte[] copy = buffer.getBytes();
    return new Body(copy, 0, copy.length);
  }

  /** The bytes as an array of their own (for the CSV reader). */
  byte[] copy() {
    return Arrays.copyOfRange(array, offset, offset + length);
  }
}
