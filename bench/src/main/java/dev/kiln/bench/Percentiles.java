package dev.kiln.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Nearest-rank percentiles of a sample: the p-th percentile is the smallest value that at least p%
 * of the sample is less than or equal to, so it is always a value that was measured (no
 * interpolation), and p100 is the maximum.
 */
final class Percentiles {

    private final long[] sorted;

    private Percentiles(long[] sorted) {
        this.sorted = sorted;
    }

    /** The sample, copied and sorted; the caller's array is left alone. */
    static Percentiles of(long[] values) {
        long[] copy = Arrays.copyOf(values, values.length);
        Arrays.sort(copy);
        return new Percentiles(copy);
    }

    int count() {
        return sorted.length;
    }

    boolean isEmpty() {
        return sorted.length == 0;
    }

    /** The nearest-rank p-th percentile, 0 < p <= 100; the empty sample has none. */
    long percentile(double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + p);
        }
        if (sorted.length == 0) {
            throw new IllegalStateException("no values");
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(1, Math.min(rank, sorted.length)) - 1];
    }

    long min() {
        return percentileOrFail(0);
    }

    long max() {
        return percentile(100);
    }

    double mean() {
        if (sorted.length == 0) {
            throw new IllegalStateException("no values");
        }
        double sum = 0;
        for (long v : sorted) {
            sum += v;
        }
        return sum / sorted.length;
    }

    private long percentileOrFail(int index) {
        if (sorted.length == 0) {
            throw new IllegalStateException("no values");
        }
        return sorted[index];
    }

    /**
     * count, min, p50, p90, p99, max and mean in milliseconds with 3 decimals, for values in
     * nanoseconds; only count when the sample is empty.
     */
    Map<String, Object> summaryMillisFromNanos() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", sorted.length);
        if (sorted.length > 0) {
            out.put("min", millis(min()));
            out.put("p50", millis(percentile(50)));
            out.put("p90", millis(percentile(90)));
            out.put("p99", millis(percentile(99)));
            out.put("max", millis(max()));
            out.put("mean", round3(mean() / 1e6));
        }
        return out;
    }

    static double millis(long nanos) {
        return round3(nanos / 1e6);
    }

    static double round3(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
