package dev.kiln.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProbePoolTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A throughput run's JSON line as the load tool writes it, with the given reads. */
    private static String run(double wfPerS, int submitting, List<Double> reads) throws IOException {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("date", "2026-11-27T19:00:00Z");
        r.put("mode", "throughput");
        r.put("payload", "realistic");
        r.put("throughput_wf_per_s", wfPerS);
        r.put("status_probe_samples_ms", reads);
        r.put("status_probe_submitting_reads", submitting);
        return JSON.writeValueAsString(r);
    }

    private static List<Double> reads(int fast, int slow) {
        List<Double> reads = new ArrayList<>();
        for (int i = 0; i < slow; i++) {
            reads.add(60.0);
        }
        for (int i = 0; i < fast; i++) {
            reads.add(10.0);
        }
        return reads;
    }

    private record Out(int exit, String out, String err) {}

    private static Out pool(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = ProbePool.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Out(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static JsonNode lastLine(String out) throws IOException {
        String[] lines = out.strip().split("\n");
        return JSON.readTree(lines[lines.length - 1]);
    }

    @Test
    void three_slow_reads_of_two_hundred_put_one_run_over_but_not_the_pool() throws IOException {
        Path f = dir.resolve("runs.jsonl");
        // Run 1: its first three reads (while submitting) took 60 ms, so its p99, the third
        // slowest of 200, is 60. Run 2: all 10 ms. Pooled, 3 of 400 reads are slow: 0.75 %.
        Files.write(f, List.of(
                "not json, a summary line the tool printed",
                "{\"mode\":\"latency\",\"payload\":\"tiny\"}",
                "{\"mode\":\"throughput\",\"payload\":\"tiny\"}",
                run(180.0, 100, reads(197, 3)),
                run(160.0, 100, reads(200, 0))));

        Out o = pool(f.toString());

        assertThat(o.exit()).as(o.err()).isZero();
        assertThat(o.out()).contains("runs with p99 over 50 ms: 1 of 2");
        JsonNode r = lastLine(o.out());
        assertThat(r.path("runs").asInt()).as("the latency line and the unprobed run are skipped").isEqualTo(2);
        assertThat(r.path("run_p99_ms").get(0).asDouble()).isEqualTo(60.0);
        assertThat(r.path("run_p99_ms").get(1).asDouble()).isEqualTo(10.0);
        assertThat(r.path("runs_with_p99_over").asInt()).isEqualTo(1);
        JsonNode pooled = r.path("pooled_ms");
        assertThat(pooled.path("count").asInt()).isEqualTo(400);
        assertThat(pooled.path("p99").asDouble()).isEqualTo(10.0);
        assertThat(pooled.path("max").asDouble()).isEqualTo(60.0);
        assertThat(pooled.path("over").asInt()).isEqualTo(3);
        assertThat(pooled.path("over_share").asDouble()).isEqualTo(0.0075);
        // The slow reads were all made while submitting: 3 of that phase's 200.
        assertThat(r.path("pooled_submitting_ms").path("count").asInt()).isEqualTo(200);
        assertThat(r.path("pooled_submitting_ms").path("p99").asDouble()).isEqualTo(60.0);
        assertThat(r.path("pooled_draining_ms").path("over").asInt()).isZero();
        assertThat(r.path("typical_run_reads").asInt()).isEqualTo(200);
        assertThat(r.path("chance_run_p99_over_if_independent").asDouble()).isBetween(0.0, 1.0);
    }

    @Test
    void the_threshold_can_be_moved() throws IOException {
        Path f = dir.resolve("runs.jsonl");
        Files.write(f, List.of(run(180.0, 100, reads(197, 3))));
        Out o = pool("--over", "70ms", f.toString());
        assertThat(o.exit()).isZero();
        JsonNode r = lastLine(o.out());
        assertThat(r.path("over_ms").asDouble()).isEqualTo(70.0);
        assertThat(r.path("runs_with_p99_over").asInt()).isZero();
        assertThat(r.path("pooled_ms").path("over").asInt()).isZero();
    }

    @Test
    void a_run_p99_over_the_threshold_by_chance_alone() {
        // p99 of 200 reads is the third slowest: over the threshold when at least 3 are.
        // Binomial(200, 1 %): P(X >= 3) = 1 - P(0) - P(1) - P(2) = 0.3233.
        assertThat(ProbePool.chanceP99Over(200, 0.01)).isCloseTo(0.3233, within(0.0001));
        assertThat(ProbePool.chanceP99Over(200, 0.0)).isZero();
        assertThat(ProbePool.chanceP99Over(200, 1.0)).isEqualTo(1.0);
        assertThat(ProbePool.chanceP99Over(200, 0.002)).isLessThan(ProbePool.chanceP99Over(200, 0.005));
    }

    @Test
    void nothing_to_pool_is_a_usage_error_that_says_what_is_missing() throws IOException {
        Path f = dir.resolve("runs.jsonl");
        Files.write(f, List.of("{\"mode\":\"throughput\",\"payload\":\"tiny\"}"));
        Out o = pool(f.toString());
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.err()).contains("no throughput run with status-probe reads").contains("--status-probe");

        Out missing = pool(dir.resolve("absent.jsonl").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("cannot read").contains("absent.jsonl");

        Out none = pool();
        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("no files given").contains("usage:");

        Out unknown = pool("--every", "x", f.toString());
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown option --every");

        Out bad = pool("--over", "soon", f.toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--over");
    }
}
