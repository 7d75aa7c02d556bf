package dev.kiln.handlers;

import java.util.Arrays;

/**
 * The values of one series while they are read: one growable array reused for every series of a
 * body, copied out exactly sized at the end of each, so a body costs its values once in heap plus
 * the largest series, with no boxing.
 */
final class ValueBuffer {
    private double[] values = new double[1024];
    private int size;

    void add(double v) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = v;
    }

    /** The values added since the last call, and an empty buffer for the next series. */
    double[] take() {
        double[] out = Arrays.copyOf(values, size);
        size = 0;
        return out;
    }
}
