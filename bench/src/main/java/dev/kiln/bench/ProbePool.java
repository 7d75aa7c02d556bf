package dev.kiln.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.commons.math3.distribution.BinomialDistribution;

/**
 * Pools the status-probe reads of several throughput runs (the load tool's JSON lines, from
 * {@code --out} or its standard output) into one distribution.
 *
 * <p>A run of 1,000 realistic workflows probed every 20 ms makes about 200 reads, and the
 * nearest-rank p99 of 200 reads is the third slowest: two slow reads more or less move it by tens
 * of milliseconds. Pooled, five runs give the p99 of about 1,000 reads (the tenth slowest). Next to
 * it: the share of reads slower than {@code --over} (the target: p99 at most that means at most 1 %
 * of reads over it), and how often a run of the median run's size would show a p99 over the
 * threshold if its reads were drawn independently from the pool: what sampling alone does to a
 * run's p99. Reads within one run are not independent (a slow minute slows many of them), so the
 * slow reads bunch into fewer runs, and single runs miss more or less often than that.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.kiln.bench.ProbePool [--over 50ms] FILE...</pre>
 */
public final class ProbePool {

    private ProbePool() {}

    /**
     * One throughput run's probe reads in nanoseconds (as {@link Percentiles} takes them), in the
     * order made; the first {@code submitting} were made while submits were sent.
     */
    record Run(String date, String payload, double workflowsPerSecond, long[] readsNanos, int submitting) {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        double overMs = 50;
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                out.print(USAGE);
                return 0;
            } else if (a.equals("--over") || a.startsWith("--over=")) {
                String value = a.contains("=") ? a.substring(a.indexOf('=') + 1) : i + 1 < args.length ? args[++i] : null;
                if (value == null) {
                    return usage(err, "--over needs a value");
                }
                try {
                    overMs = LoadOptions.parseDuration("--over", value);
                } catch (IllegalArgumentException e) {
                    return usage(err, e.getMessage());
                }
            } else if (a.startsWith("-")) {
                return usage(err, "unknown option " + a);
            } else {
                files.add(Path.of(a));
            }
        }
        if (files.isEmpty()) {
            return usage(err, "no files given");
        }
        List<Run> runs = new ArrayList<>();
        for (Path f : files) {
            try {
                runs.addAll(read(f));
            } catch (IOException e) {
                err.println("kiln-probe-pool: cannot read " + f + ": " + e.getMessage());
                return 2;
            }
        }
        if (runs.isEmpty()) {
            err.println("kiln-probe-pool: no throughput run with status-probe reads in " + files
                    + " (run the load tool with --status-probe)");
            return 2;
        }
        Map<String, Object> report = summarize(runs, overMs);
        out.print(text(runs, report, overMs));
        try {
            out.println(KilnHttp.JSON.writeValueAsString(report));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return 0;
    }

    static final String USAGE = """
            usage: java -cp bench/target/benchmarks.jar dev.kiln.bench.ProbePool [--over T] FILE...
              FILE       the load tool's JSON lines (--out FILE, or its standard output); throughput
                         runs made with --status-probe are pooled, other lines are skipped
              --over T   the threshold whose share of reads is counted (default 50ms)
            """;

    private static int usage(PrintStream err, String message) {
        err.println("kiln-probe-pool: " + message);
        err.print(USAGE);
        return 2;
    }

    /** The throughput runs with probe reads among a file's JSON lines; other lines are skipped. */
    static List<Run> read(Path file) throws IOException {
        List<Run> runs = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.startsWith("{")) {
                continue;
            }
            JsonNode r;
            try {
                r = KilnHttp.JSON.readTree(line);
            } catch (IOException e) {
                continue; // not one of the tool's lines
            }
            JsonNode samples = r.path("status_probe_samples_ms");
            if (!"throughput".equals(r.path("mode").asText()) || !samples.isArray() || samples.isEmpty()) {
                continue;
            }
            long[] reads = new long[samples.size()];
            for (int i = 0; i < reads.length; i++) {
                reads[i] = Math.round(samples.get(i).asDouble() * 1e6);
            }
            int submitting = Math.min(reads.length, r.path("status_probe_submitting_reads").asInt(0));
            runs.add(new Run(r.path("date").asText(), r.path("payload").asText(),
                    r.path("throughput_wf_per_s").asDouble(Double.NaN), reads, submitting));
        }
        return runs;
    }

    static Map<String, Object> summarize(List<Run> runs, double overMs) {
        long overNanos = Math.round(overMs * 1e6);
        LongStream.Builder all = LongStream.builder();
        LongStream.Builder submitting = LongStream.builder();
        LongStream.Builder draining = LongStream.builder();
        List<Double> runP99 = new ArrayList<>();
        int runsOver = 0;
        int[] sizes = new int[runs.size()];
        for (int r = 0; r < runs.size(); r++) {
            Run run = runs.get(r);
            long[] reads = run.readsNanos();
            sizes[r] = reads.length;
            for (int i = 0; i < reads.length; i++) {
                all.add(reads[i]);
                (i < run.submitting() ? submitting : draining).add(reads[i]);
            }
            long p99 = Percentiles.of(reads).percentile(99);
            runP99.add(Percentiles.millis(p99));
            if (p99 > overNanos) {
                runsOver++;
            }
        }
        Map<String, Object> pooled = distribution(all.build().toArray(), overNanos);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("tool", "kiln-probe-pool");
        report.put("runs", runs.size());
        report.put("over_ms", overMs);
        report.put("run_p99_ms", runP99);
        report.put("runs_with_p99_over", runsOver);
        report.put("pooled_ms", pooled);
        report.put("pooled_submitting_ms", distribution(submitting.build().toArray(), overNanos));
        report.put("pooled_draining_ms", distribution(draining.build().toArray(), overNanos));
        Arrays.sort(sizes);
        int n = sizes[sizes.length / 2];
        report.put("typical_run_reads", n);
        // The share from the counts, not the rounded over_share.
        double share = (Long) pooled.get("over") / (double) (Integer) pooled.get("count");
        report.put("chance_run_p99_over_if_independent", round4(chanceP99Over(n, share)));
        return report;
    }

    /**
     * The chance that the nearest-rank p99 of n reads drawn independently is over the threshold,
     * when a share q of all reads is: it is when at least n - ceil(0.99 n) + 1 of them are.
     */
    static double chanceP99Over(int n, double q) {
        int needed = n - (int) Math.ceil(0.99 * n) + 1;
        if (q <= 0) {
            return 0;
        }
        if (q >= 1) {
            return 1;
        }
        return 1 - new BinomialDistribution(null, n, q).cumulativeProbability(needed - 1);
    }

    /** The load tool's summary of a sample (count, min, p50, p90, p99, max, mean) and the reads over the threshold. */
    private static Map<String, Object> distribution(long[] nanos, long overNanos) {
        Map<String, Object> d = Percentiles.of(nanos).summaryMillisFromNanos();
        if (nanos.length > 0) {
            long over = Arrays.stream(nanos).filter(v -> v > overNanos).count();
            d.put("over", over);
            d.put("over_share", round4((double) over / nanos.length));
        }
        return d;
    }

    private static double round4(double v) {
        return Math.round(v * 10_000.0) / 10_000.0;
    }

    @SuppressWarnings("unchecked")
    private static String text(List<Run> runs, Map<String, Object> report, double overMs) {
        StringBuilder sb = new StringBuilder();
        List<Double> p99s = (List<Double>) report.get("run_p99_ms");
        for (int r = 0; r < runs.size(); r++) {
            Run run = runs.get(r);
            sb.append(String.format(Locale.ROOT, "run %2d  %s  %-9s  %7.1f wf/s  %4d reads  p99 %6.1f ms%s%n", r + 1,
                    run.date(), run.payload(), run.workflowsPerSecond(), run.readsNanos().length, p99s.get(r),
                    p99s.get(r) > overMs ? "  (over)" : ""));
        }
        sb.append(String.format(Locale.ROOT, "runs with p99 over %.0f ms: %d of %d%n", overMs,
                report.get("runs_with_p99_over"), runs.size()));
        for (String phase : List.of("pooled_ms", "pooled_submitting_ms", "pooled_draining_ms")) {
            Map<String, Object> d = (Map<String, Object>) report.get(phase);
            sb.append(String.format(Locale.ROOT, "%-21s", phase.replace("_ms", "").replace('_', ' ')));
            if (((Integer) d.get("count")) == 0) {
                sb.append(" no reads\n");
                continue;
            }
            sb.append(String.format(Locale.ROOT, " %5d reads  p50 %5.1f  p90 %5.1f  p99 %5.1f  max %6.1f ms  over %.0f ms: %d (%.2f %%)%n",
                    d.get("count"), d.get("p50"), d.get("p90"), d.get("p99"), d.get("max"), overMs, d.get("over"),
                    100 * (Double) d.get("over_share")));
        }
        sb.append(String.format(Locale.ROOT,
                "a run of %d reads drawn independently from the pool has p99 over %.0f ms with chance %.1f %% (sampling alone; slow reads bunch, so real runs differ)%n",
                report.get("typical_run_reads"), overMs, 100 * (Double) report.get("chance_run_p99_over_if_independent")));
        return sb.toString();
    }
}
