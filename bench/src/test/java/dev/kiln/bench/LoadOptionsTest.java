package dev.kiln.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadOptionsTest {

    private static LoadOptions parse(String... args) {
        return LoadOptions.parse(args, Map.of());
    }

    @Test
    void latencyDefaults() {
        LoadOptions o = parse("latency");
        assertThat(o.mode()).isEqualTo(LoadOptions.Mode.LATENCY);
        assertThat(o.url().toString()).isEqualTo("http://127.0.0.1:8080");
        assertThat(o.payload()).isEqualTo(LoadOptions.Payload.TINY);
        assertThat(o.count()).isEqualTo(200);
        assertThat(o.concurrency()).isEqualTo(1);
        assertThat(o.warmup()).isEqualTo(20);
        assertThat(o.timeoutMillis()).isEqualTo(120_000);
        assertThat(o.seed()).isEqualTo(42);
        assertThat(o.pgUrl()).isEmpty();
        assertThat(o.pid()).isEmpty();
        assertThat(o.sample()).isEqualTo(20);
        assertThat(o.statusPollMillis()).isEqualTo(5);
        assertThat(o.statusProbeMillis()).as("off unless asked for").isZero();
        assertThat(o.pgSettleMillis()).isEqualTo(11_000);
        assertThat(o.pgIdleMillis()).isZero();
    }

    @Test
    void throughputWithEveryOption() {
        LoadOptions o = parse("throughput", "--url", "http://127.0.0.1:18090/", "--payload=realistic", "-n", "5000",
                "-c", "32", "--timeout", "90s", "--seed", "7", "--pg-url", "postgresql://postgres@localhost:5433/postgres",
                "--pid", "1234", "--warmup", "0", "--poll", "250ms", "--pg-settle", "0", "--pg-idle", "15s", "--sample", "5",
                "--token", "secret", "--out", "/tmp/x.jsonl", "--status-probe", "20ms");
        assertThat(o.mode()).isEqualTo(LoadOptions.Mode.THROUGHPUT);
        assertThat(o.url().toString()).isEqualTo("http://127.0.0.1:18090");
        assertThat(o.payload()).isEqualTo(LoadOptions.Payload.REALISTIC);
        assertThat(o.count()).isEqualTo(5000);
        assertThat(o.concurrency()).isEqualTo(32);
        assertThat(o.timeoutMillis()).isEqualTo(90_000);
        assertThat(o.seed()).isEqualTo(7);
        assertThat(o.pgUrl()).contains("postgresql://postgres@localhost:5433/postgres");
        assertThat(o.pid()).contains(1234L);
        assertThat(o.warmup()).isZero();
        assertThat(o.listPollMillis()).isEqualTo(250);
        assertThat(o.pgSettleMillis()).isZero();
        assertThat(o.pgIdleMillis()).isEqualTo(15_000);
        assertThat(o.sample()).isEqualTo(5);
        assertThat(o.token()).contains("secret");
        assertThat(o.out()).contains("/tmp/x.jsonl");
        assertThat(o.statusProbeMillis()).isEqualTo(20);
    }

    @Test
    void modeMayComeAfterOptionsAndLargeWarmsUpOnce() {
        LoadOptions o = parse("--payload", "large", "-k", "3", "latency");
        assertThat(o.count()).isEqualTo(3);
        assertThat(o.warmup()).isEqualTo(1);
    }

    @Test
    void environmentFallbacks() {
        LoadOptions o = LoadOptions.parse(new String[] {"throughput"},
                Map.of("KILN_DATABASE_URL", "postgresql://u:p@db:5432/kiln", "KILN_API_TOKEN", "t"));
        assertThat(o.pgUrl()).contains("postgresql://u:p@db:5432/kiln");
        assertThat(o.token()).contains("t");
        assertThat(o.count()).isEqualTo(1000);
        assertThat(o.concurrency()).isEqualTo(16);
        LoadOptions flagWins = LoadOptions.parse(new String[] {"throughput", "--pg-url", "postgresql://x@y/z"},
                Map.of("KILN_DATABASE_URL", "postgresql://u:p@db:5432/kiln"));
        assertThat(flagWins.pgUrl()).contains("postgresql://x@y/z");
    }

    @Test
    void durations() {
        assertThat(LoadOptions.parseDuration("t", "120")).isEqualTo(120_000);
        assertThat(LoadOptions.parseDuration("t", "120s")).isEqualTo(120_000);
        assertThat(LoadOptions.parseDuration("t", "500ms")).isEqualTo(500);
        assertThat(LoadOptions.parseDuration("t", "2m")).isEqualTo(120_000);
        assertThatThrownBy(() -> LoadOptions.parseDuration("--timeout", "soon"))
                .hasMessageContaining("--timeout");
        assertThatThrownBy(() -> LoadOptions.parseDuration("--timeout", "-5s"))
                .hasMessageContaining("--timeout");
    }

    @Test
    void mistakesAreNamed() {
        assertThatThrownBy(() -> parse()).hasMessageContaining("missing mode");
        assertThatThrownBy(() -> parse("soak")).hasMessageContaining("unknown mode");
        assertThatThrownBy(() -> parse("latency", "--payload", "huge")).hasMessageContaining("--payload");
        assertThatThrownBy(() -> parse("throughput", "-n", "0")).hasMessageContaining("-n");
        assertThatThrownBy(() -> parse("throughput", "-n", "many")).hasMessageContaining("-n");
        assertThatThrownBy(() -> parse("throughput", "-c")).hasMessageContaining("-c needs a value");
        assertThatThrownBy(() -> parse("throughput", "--bogus", "1")).hasMessageContaining("unknown option --bogus");
        assertThatThrownBy(() -> parse("latency", "-n", "5")).hasMessageContaining("-k");
        assertThatThrownBy(() -> parse("throughput", "-k", "5")).hasMessageContaining("-n");
        assertThatThrownBy(() -> parse("latency", "--url", "ftp://x")).hasMessageContaining("--url");
        assertThatThrownBy(() -> parse("latency", "latency")).hasMessageContaining("unexpected argument");
        assertThatThrownBy(() -> parse("latency", "--help")).isInstanceOf(LoadOptions.HelpRequested.class);
    }
}
