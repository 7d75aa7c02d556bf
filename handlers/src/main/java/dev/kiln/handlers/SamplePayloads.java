package dev.kiln.handlers;

import java.util.Random;

/**
 * Deterministic workflow input bodies for tests, benchmarks and the load tool: the same seed gives
 * the same bytes on every JVM ({@link Random} is fully specified).
 *
 * <p>Noise is uniform, so it never exceeds 2 standard deviations on its own: what
 * {@code detect_outliers} flags in these payloads are the planted spikes (and drifting series).
 */
public final class SamplePayloads {

    private static final String[] SENSOR_KINDS = {"temp", "pressure", "vibration", "humidity", "flow"};
    private static final double[] SENSOR_BASE = {70.0, 101.3, 2.5, 45.0, 12.0};
    private static final double[] SENSOR_NOISE = {0.8, 0.5, 0.3, 1.5, 0.4};
    private static final String[] DIMENSIONS = {"width", "height", "depth"};
    private static final double[] DIMENSION_NOMINAL = {10.0, 25.0, 4.0};
    private static final double DIMENSION_TOLERANCE = 0.02;

    private SamplePayloads() {
    }

    /** The documentation's example body. */
    public static String tiny() {
        return "{\"sensor_readings\": [{\"sensor_id\": \"temp_1\", \"values\": [72.1, 73.4, 71.8, 99.2]}], "
                + "\"measurements\": [{\"part_id\": \"A100\", \"dimension\": \"width\", \"values\": [10.01, 10.02, 9.98]}], "
                + "\"metadata\": {}}";
    }

    /** 50 sensors x 500 readings and 20 parts x 3 dimensions x 50 values, about 220 KB. */
    public static String realistic(long seed) {
        return generate(seed, 50, 500, 20, 50, ", ", "realistic");
    }

    /** 200 sensors x 10,000 readings, no measurements, about 15 MB. */
    public static String large(long seed) {
        return generate(seed, 200, 10_000, 0, 0, ",", "large");
    }

    private static String generate(long seed, int sensors, int readings, int parts, int perDimension,
                                   String separator, String size) {
        Random rnd = new Random(seed);
        StringBuilder sb = new StringBuilder(sensors * readings * 8 + parts * DIMENSIONS.length * perDimension * 8 + 4096);
        sb.append("{\"sensor_readings\": [");
        for (int s = 0; s < sensors; s++) {
            int kind = s % SENSOR_KINDS.length;
            if (s > 0) {
                sb.append(", ");
            }
            sb.append("{\"sensor_id\": \"").append(SENSOR_KINDS[kind]).append('_').append(s / SENSOR_KINDS.length + 1)
                    .append("\", \"values\": [");
            double base = SENSOR_BASE[kind] * (0.95 + 0.1 * rnd.nextDouble());
            double noise = SENSOR_NOISE[kind];
            // About one sensor in seven drifts, by 0.012 to 0.03 units per reading, either way.
            double drift = s % 7 == 3 ? (rnd.nextBoolean() ? 1 : -1) * (0.012 + 0.018 * rnd.nextDouble()) : 0.0;
            // About one sensor in four gets one to three spikes of 6 to 10 noise amplitudes.
            int spikes = s % 4 == 1 ? 1 + rnd.nextInt(3) : 0;
            int[] spikeAt = new int[spikes];
            for (int k = 0; k < spikes; k++) {
                spikeAt[k] = rnd.nextInt(readings);
            }
            for (int i = 0; i < readings; i++) {
                double v = base + drift * i + noise * (2 * rnd.nextDouble() - 1);
                for (int at : spikeAt) {
                    if (at == i) {
                        v += (rnd.nextBoolean() ? 1 : -1) * noise * (6 + 4 * rnd.nextDouble());
                    }
                }
                if (i > 0) {
                    sb.append(separator);
                }
                appendFixed3(sb, v);
            }
            sb.append("]}");
        }
        sb.append("], \"measurements\": [");
        for (int p = 0; p < parts; p++) {
            for (int d = 0; d < DIMENSIONS.length; d++) {
                if (p > 0 || d > 0) {
                    sb.append(", ");
                }
                sb.append("{\"part_id\": \"P").append(1000 + p).append("\", \"dimension\": \"").append(DIMENSIONS[d])
                        .append("\", \"values\": [");
                boolean defect = (p * DIMENSIONS.length + d) % 9 == 4;
                int defectAt = defect ? rnd.nextInt(perDimension) : -1;
                for (int i = 0; i < perDimension; i++) {
                    double v = DIMENSION_NOMINAL[d] + DIMENSION_TOLERANCE * (2 * rnd.nextDouble() - 1);
                    if (i == defectAt) {
                        v += (rnd.nextBoolean() ? 1 : -1) * DIMENSION_TOLERANCE * (6 + 4 * rnd.nextDouble());
                    }
                    if (i > 0) {
                        sb.append(separator);
                    }
                    appendFixed3(sb, v);
                }
                sb.append("]}");
            }
        }
        sb.append("], \"metadata\": {\"line\": \"L2\", \"station\": \"S07\", \"generator\": \"SamplePayloads.")
                .append(size).append("\", \"seed\": ").append(seed).append("}}");
        return sb.toString();
    }

    // String.format would dominate generating 2 million values; this is exact and locale-free.
    private static void appendFixed3(StringBuilder sb, double v) {
        long milli = Math.round(v * 1000);
        if (milli < 0) {
            sb.append('-');
            milli = -milli;
        }
        sb.append(milli / 1000).append('.');
        long frac = milli % 1000;
        if (frac < 100) {
            sb.append('0');
        }
        if (frac < 10) {
            sb.append('0');
        }
        sb.append(frac);
    }
}
