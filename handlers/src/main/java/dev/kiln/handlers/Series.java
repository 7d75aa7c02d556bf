package dev.kiln.handlers;

import java.util.Arrays;
import java.util.Objects;

/**
 * One series of readings from the workflow input: a sensor's readings (sensorId set, partId and
 * dimension null) or a part dimension's measurements (sensorId null).
 *
 * <p>The values array is shared, not copied, because inputs hold millions of values: never modify it.
 */
public record Series(String sensorId, String partId, String dimension, double[] values) {

    public Series {
        Objects.requireNonNull(values, "values");
        if (sensorId == null && (partId == null || dimension == null)) {
            throw new IllegalArgumentException("a series needs a sensorId, or a partId and a dimension");
        }
    }

    public static Series sensor(String sensorId, double... values) {
        return new Series(Objects.requireNonNull(sensorId, "sensorId"), null, null, values);
    }

    public static Series measurement(String partId, String dimension, double... values) {
        return new Series(null, Objects.requireNonNull(partId, "partId"), Objects.requireNonNull(dimension, "dimension"), values);
    }

    public boolean isSensor() {
        return sensorId != null;
    }

    public int size() {
        return values.length;
    }

    // Records compare arrays by identity; two series with the same readings should be equal.
    @Override
    public boolean equals(Object o) {
        return o instanceof Series s
                && Objects.equals(sensorId, s.sensorId)
                && Objects.equals(partId, s.partId)
                && Objects.equals(dimension, s.dimension)
                && Arrays.equals(values, s.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(sensorId, partId, dimension) * 31 + Arrays.hashCode(values);
    }

    // Printing 10,000 values helps nobody.
    @Override
    public String toString() {
        return isSensor()
                ? "Series[sensorId=" + sensorId + ", n=" + values.length + "]"
                : "Series[partId=" + partId + ", dimension=" + dimension + ", n=" + values.length + "]";
    }
}
