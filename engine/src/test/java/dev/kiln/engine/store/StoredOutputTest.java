package dev.kiln.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class StoredOutputTest {

  private static byte[] json(int length) {
    StringBuilder out = new StringBuilder("{\"v\": [");
    while (out.length() < length - 10) {
      out.append("12.5, ");
    }
    out.append("1]");
    while (out.length() < length - 1) {
      out.append(' ');
    }
    return out.append('}').toString().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void an_output_under_512_bytes_is_stored_as_it_is() {
    byte[] small = json(StoredOutput.COMPRESS_FROM - 1);
    assertThat(StoredOutput.of(small)).isSameAs(small);
    assertThat(StoredOutput.json(small)).isSameAs(small);
  }

  @Test
  void an_output_of_512_bytes_or_more_is_stored_as_a_zstd_frame_and_read_back_exactly() {
    byte[] big = json(StoredOutput.COMPRESS_FROM);
    byte[] stored = StoredOutput.of(big);
    assertThat(StoredInput.isCompressed(stored)).isTrue();
    assertThat(stored.length).isLessThan(big.length / 4);
    assertThat(StoredOutput.json(stored)).isEqualTo(big);
  }

  @Test
  void a_damaged_frame_is_an_error_that_says_it_is_an_output() {
    byte[] stored = StoredOutput.of(json(4000));
    assertThatThrownBy(() -> StoredOutput.json(Arrays.copyOf(stored, stored.length - 3)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("stored output is corrupt");
  }
}
