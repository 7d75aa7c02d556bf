package dev.kiln.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class LoadToolTest {

    @Test
    void readsPostgresJsonTimestamps() {
        // What jsonb_build_object makes of a timestamptz.
        assertThat(LoadTool.instant("2025-11-25T18:00:01.123456+00:00"))
                .isEqualTo(Instant.parse("2025-11-25T18:00:01.123456Z"));
        assertThat(LoadTool.instant("2025-11-25T19:00:01.5+01:00")).isEqualTo(Instant.parse("2025-11-25T18:00:01.5Z"));
        assertThat(LoadTool.instant("2025-11-25T18:00:01Z")).isEqualTo(Instant.parse("2025-11-25T18:00:01Z"));
        assertThat(LoadTool.instant(null)).isNull();
        assertThat(LoadTool.instant("null")).isNull();
        assertThat(LoadTool.instant("yesterday")).isNull();
    }
}
