package dev.kiln.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BodyTest {
  @Test
  void a_heap_body_is_a_view_of_its_own_array_not_a_copy() {
    Buffer buffer = Buffer.buffer("{\"a\": 1}");
    Body body = Body.of(buffer);
    assertThat(body.copy()).asString(StandardCharsets.UTF_8).isEqualTo("{\"a\": 1}");
    assertThat(body.array()).isSameAs(((BufferInternal) buffer).getByteBuf().array());
  }

  @Test
  void a_slice_keeps_its_offset_and_length() {
    byte[] bytes = "..{\"a\": 1}..".getBytes(StandardCharsets.UTF_8);
    Buffer slice = BufferInternal.buffer(Unpooled.wrappedBuffer(bytes, 2, bytes.length - 4));
    Body body = Body.of(slice);
    assertThat(body.offset()).isEqualTo(2);
    assertThat(body.copy()).asString(StandardCharsets.UTF_8).isEqualTo("{\"a\": 1}");
  }

  @Test
  void a_direct_body_is_copied_and_no_body_is_empty() {
    Buffer direct = BufferInternal.buffer(Unpooled.directBuffer().writeBytes("x,y".getBytes(StandardCharsets.UTF_8)));
    assertThat(Body.of(direct).copy()).asString(StandardCharsets.UTF_8).isEqualTo("x,y");
    assertThat(Body.of(null).length()).isZero();
    assertThat(Body.of(Buffer.buffer()).length()).isZero();
  }
}
