package dev.kiln.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PgCounterTest {

    @Test
    void kilnStyleUrls() {
        PgCounter.Target t = PgCounter.parse("postgresql://postgres@localhost:35123/postgres");
        assertThat(t.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:35123/postgres");
        assertThat(t.user()).isEqualTo("postgres");
        assertThat(t.password()).isNull();

        PgCounter.Target full = PgCounter.parse("postgres://kiln:p%40ss+w@db.local/kiln?sslmode=disable");
        assertThat(full.jdbcUrl()).isEqualTo("jdbc:postgresql://db.local:5432/kiln?sslmode=disable");
        assertThat(full.user()).isEqualTo("kiln");
        assertThat(full.password()).isEqualTo("p@ss+w");
        assertThat(full.display()).doesNotContain("p@ss");
    }

    @Test
    void jdbcUrlsPassThroughAndOthersAreRefused() {
        assertThat(PgCounter.parse("jdbc:postgresql://h:1/d").jdbcUrl()).isEqualTo("jdbc:postgresql://h:1/d");
        assertThatThrownBy(() -> PgCounter.parse("mysql://h/d")).hasMessageContaining("postgresql://");
        assertThatThrownBy(() -> PgCounter.parse("postgresql:///d")).hasMessageContaining("no host");
    }
}
