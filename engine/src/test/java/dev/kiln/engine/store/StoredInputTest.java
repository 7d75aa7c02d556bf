package dev.kiln.engine.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.Zstd;
import dev.kiln.engine.config.ConfigException;
import dev.kiln.handlers.SamplePayloads;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class StoredInputTest {

  @Test
  void a_body_slice_round_trips_as_one_standard_zstd_frame_that_records_its_size() {
    byte[] json = SamplePayloads.realistic(1).getBytes(StandardCharsets.UTF_8);
    byte[] framed = new byte[json.length + 20];
    System.arraycopy(json, 0, framed, 10, json.length);

    byte[] stored = StoredInput.compress(framed, 10, json.length);

    assertThat(StoredInput.isCompressed(stored)).isTrue();
    assertThat(stored.length).as("digits compress about threefold").isLessThan(json.length / 2);
    // Any zstd tool can read it back: the frame carries its content size.
    assertThat(Zstd.getFrameContentSize(stored)).isEqualTo(json.length);
    assertThat(StoredInput.json(stored)).isEqualTo(json);
  }

  @Test
  void text_stored_before_v4_is_returned_as_it_is() {
    byte[] legacy = "{\"sensor_readings\": []}".getBytes(StandardCharsets.UTF_8);
    assertThat(StoredInput.isCompressed(legacy)).isFalse();
    assertThat(StoredInput.json(legacy)).isSameAs(legacy);
    assertThat(StoredInput.json(new byte[0])).isEmpty();
  }

  @Test
  void a_damaged_frame_is_an_error_naming_the_damage_not_garbage() {
    byte[] stored = StoredInput.compress(SamplePayloads.realistic(2));
    byte[] truncated = Arrays.copyOf(stored, stored.length / 2);
    assertThatThrownBy(() -> StoredInput.json(truncated))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("stored input is corrupt");
  }

  @Test
  void a_shared_input_decompresses_once_and_reports_a_damaged_frame_to_every_caller() {
    SharedInput ok = new SharedInput(StoredInput.compress(SamplePayloads.tiny()));
    assertThat(ok.get().sensors()).hasSize(1);
    assertThat(ok.get()).isSameAs(ok.get());

    byte[] stored = StoredInput.compress(SamplePayloads.tiny());
    SharedInput broken = new SharedInput(Arrays.copyOf(stored, stored.length - 3));
    assertThatThrownBy(broken::get).hasMessageStartingWith("stored input is corrupt");
    assertThatThrownBy(broken::get).hasMessageStartingWith("stored input is corrupt");
  }

  @Test
  void the_native_library_is_checked_at_start_up_and_a_failure_names_the_fix() {
    StoredInput.requireNativeLibrary();
    assertThatThrownBy(() -> StoredInput.requireNativeLibrary(() -> {
      throw new UnsatisfiedLinkError("/tmp/libzstd-jni.so: failed to map segment from shared object");
    }))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.setting()).isEqualTo("java.io.tmpdir"))
        .hasMessageContaining("failed to map segment")
        .hasMessageContaining("-Djava.io.tmpdir=");
  }
}
