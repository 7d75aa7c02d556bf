package dev.kiln.handlers;

import java.util.Arrays;
import org.apache.commons.math3.special.Beta;
import org.apache.commons.math3.stat.descriptive.moment.Mean;
import org.apache.commons.math3.stat.descriptive.moment.Variance;

/**
 * Numerically careful statistics over one series.
 *
 * <p>Both mean/spread and the regression are two-pass computations with a correction term, so
 * values near 1e9 that differ by 1e-3 lose nothing to cancellation. Values whose squares would
 * overflow (around 1e154 and up) or underflow (around 1e-154 and down) are handled by recomputing on
 * a copy scaled by a power of two, which is exact, so no statistic is ever NaN: mean and standard
 * deviation are always finite; a slope or intercept can only overflow for data spanning most of
 * the double range, and callers must check for that.
 */
final class SeriesStats {

    /** Below this mean squared deviation, squared deviations may have lost bits to underflow. */
    private static final double MIN_SAFE_VARIANCE = 0x1p-900;

    private static final int[] NONE = new int[0];

    private SeriesStats() {
    }

    /** Mean, population standard deviation and the positions of values beyond {@code sigma} standard deviations. */
    record Spread(double mean, double std, int[] outlierIndexes) {
    }

    /**
     * Least-squares fit of the values against their index 0..n-1.
     *
     * @param pValue two-sided significance of the slope (t-test, n-2 degrees of freedom), or null
     *               when undefined: fewer than 3 values or a constant series
     */
    record Fit(double slope, double intercept, double rSquared, Double pValue) {
    }

    static Spread spread(double[] v, double sigma) {
        requireTwo(v);
        if (isConstant(v)) {
            return new Spread(v[0], 0.0, NONE);
        }
        double mean = new Mean().evaluate(v);
        double var = new Variance(false).evaluate(v, mean);
        if (!(Double.isFinite(mean) && var >= MIN_SAFE_VARIANCE && var <= Double.MAX_VALUE)) {
            return spreadScaled(v, sigma);
        }
        double std = Math.sqrt(var);
        return new Spread(mean, std, beyond(v, mean, sigma * std));
    }

    private static Spread spreadScaled(double[] v, double sigma) {
        int k = scaleExponent(v);
        double[] s = scaled(v, k);
        double mean = new Mean().evaluate(s);
        double std = Math.sqrt(Math.max(0.0, new Variance(false).evaluate(s, mean)));
        // Flag in scaled space, where sigma * std cannot overflow spuriously.
        int[] flagged = std > 0 ? beyond(s, mean, sigma * std) : NONE;
        return new Spread(Math.scalb(mean, -k), Math.scalb(std, -k), flagged);
    }

    private static int[] beyond(double[] v, double mean, double limit) {
        int[] idx = NONE;
        int count = 0;
        for (int i = 0; i < v.length; i++) {
            if (Math.abs(v[i] - mean) > limit) {
                if (count == idx.length) {
                    idx = Arrays.copyOf(idx, Math.max(16, count * 2));
                }
                idx[count++] = i;
            }
        }
        return count == idx.length ? idx : Arrays.copyOf(idx, count);
    }

    static Fit fit(double[] v) {
        requireTwo(v);
        if (isConstant(v)) {
            return new Fit(0.0, v[0], 0.0, null);
        }
        Fit f = fitAt(v, 0);
        if (f != null) {
            return f;
        }
        int k = scaleExponent(v);
        return fitAt(scaled(v, k), k);
    }

    /**
     * Fits values that were scaled by 2^k; returns null when unscaled values ({@code k == 0}) make an
     * intermediate overflow or underflow, so that the caller retries on a scaled copy.
     */
    private static Fit fitAt(double[] y, int k) {
        int count = y.length;
        double n = count;
        double xbar = (n - 1) / 2.0;
        // The sum of (i - xbar)^2 has a closed form: exact for any realistic n, and no pass needed.
        double sxx = n * (n * n - 1) / 12.0;
        double ybar = new Mean().evaluate(y);
        double sxy = 0;
        double syy = 0;
        double sdy = 0;
        for (int i = 0; i < count; i++) {
            double dx = i - xbar;
            double dy = y[i] - ybar;
            sxy += dx * dy;
            syy += dy * dy;
            sdy += dy;
        }
        // Same correction as Commons Math's Variance: removes the effect of rounding in ybar.
        // sxy needs none, because the (i - xbar) sum to exactly zero.
        syy -= sdy * sdy / n;
        double slope = sxy / sxx;
        double intercept = ybar - slope * xbar;
        double r2 = sxy * sxy / (sxx * syy);
        boolean ok = Double.isFinite(ybar) && Double.isFinite(slope) && Double.isFinite(intercept)
                && Double.isFinite(r2) && syy / n >= MIN_SAFE_VARIANCE;
        if (k == 0 && !ok) {
            return null;
        }
        r2 = Double.isFinite(r2) ? Math.min(1.0, Math.max(0.0, r2)) : 0.0;
        return new Fit(Math.scalb(slope, -k), Math.scalb(intercept, -k), r2, slopePValue(r2, count));
    }

    /**
     * Two-sided p-value of the slope's t statistic with n-2 degrees of freedom. With t^2 = r^2 df / (1 - r^2)
     * the t distribution's tail is the regularized incomplete beta I_{1-r^2}(df/2, 1/2); evaluating it
     * directly keeps small p-values accurate where 1 - cdf(t) would round to zero.
     */
    private static Double slopePValue(double r2, int n) {
        int df = n - 2;
        if (df < 1) {
            return null;
        }
        double p = Beta.regularizedBeta(1.0 - r2, df / 2.0, 0.5);
        return Double.isFinite(p) ? Math.min(1.0, Math.max(0.0, p)) : null;
    }

    static boolean isConstant(double[] v) {
        double first = v[0];
        for (int i = 1; i < v.length; i++) {
            if (v[i] != first) {
                return false;
            }
        }
        return true;
    }

    /** The k for which max |v| * 2^k lies in [1, 2). */
    private static int scaleExponent(double[] v) {
        double maxAbs = 0;
        for (double x : v) {
            maxAbs = Math.max(maxAbs, Math.abs(x));
        }
        return -Math.getExponent(maxAbs);
    }

    private static double[] scaled(double[] v, int k) {
        double[] s = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            s[i] = Math.scalb(v[i], k);
        }
        return s;
    }

    private static void requireTwo(double[] v) {
        if (v.length < 2) {
            throw new IllegalArgumentException("need at least 2 values, got " + v.length);
        }
    }

    /** Below this, {@code x * 10^4} and its fraction are within {@link #TIE_MARGIN} of exact. */
    private static final double FAST_LIMIT = 0x1p31;
    private static final double TIE_MARGIN = 0x1p-20;

    /**
     * Rounds like Python's {@code round(x, 4)}: from the exact binary value, half to even, keeping the
     * sign of zero.
     *
     * <p>The usual case needs no big decimals. For |x * 10^4| below 2^31, the product {@code y} is
     * within 2^-23 of the exact one and {@code y - floor(y)} within 2^-22 of its fraction, so unless
     * that fraction is within {@link #TIE_MARGIN} of one half, {@code rint(y)} is the integer the
     * exact value rounds to. That integer and 10^4 are exact doubles, so one division gives the
     * nearest double to the rounded decimal, as {@code BigDecimal.doubleValue} does. Anything else
     * (near a tie, or large) takes the exact path. {@code NumericsTest} holds the two to the same bits.
     */
    static double round4(double x) {
        if (!Double.isFinite(x)) {
            throw new IllegalArgumentException("not finite: " + x);
        }
        double y = x * 1e4;
        if (Math.abs(y) < FAST_LIMIT) {
            double fraction = y - Math.floor(y);
            if (Math.abs(fraction - 0.5) > TIE_MARGIN) {
                double r = Math.rint(y) / 1e4;
                return r == 0.0 ? Math.copySign(0.0, x) : r;
            }
        }
        return round4Exact(x);
    }

    /** {@link #round4} from the exact decimal expansion of {@code x}. */
    static double round4Exact(double x) {
        double r = new java.math.BigDecimal(x).setScale(4, java.math.RoundingMode.HALF_EVEN).doubleValue();
        return r == 0.0 ? Math.copySign(0.0, x) : r;
    }
}
