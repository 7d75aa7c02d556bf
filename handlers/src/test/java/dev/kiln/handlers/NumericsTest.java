package dev.kiln.handlers;

import static dev.kiln.handlers.Fixtures.assertAllNumbersFinite;
import static dev.kiln.handlers.Fixtures.run;
import static dev.kiln.handlers.Fixtures.sensors;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NumericsTest {

    private static final MathContext MC = new MathContext(60);

    /** Exact mean, population standard deviation and regression slope of the doubles as given. */
    private record Exact(double mean, double std, double slope) {
        static Exact of(double[] y) {
            BigDecimal n = BigDecimal.valueOf(y.length);
            BigDecimal sum = BigDecimal.ZERO;
            for (double v : y) {
                sum = sum.add(new BigDecimal(v));
            }
            BigDecimal mean = sum.divide(n, MC);
            BigDecimal xbar = BigDecimal.valueOf(y.length - 1).divide(BigDecimal.valueOf(2), MC);
            BigDecimal ss = BigDecimal.ZERO;
            BigDecimal sxy = BigDecimal.ZERO;
            BigDecimal sxx = BigDecimal.ZERO;
            for (int i = 0; i < y.length; i++) {
                BigDecimal dy = new BigDecimal(y[i]).subtract(mean);
                BigDecimal dx = BigDecimal.valueOf(i).subtract(xbar);
                ss = ss.add(dy.multiply(dy));
                sxy = sxy.add(dx.multiply(dy));
                sxx = sxx.add(dx.multiply(dx));
            }
            return new Exact(mean.doubleValue(), ss.divide(n, MC).sqrt(MC).doubleValue(), sxy.divide(sxx, MC).doubleValue());
        }
    }

    private static double relativeError(double actual, double exact) {
        return Math.abs(actual - exact) / Math.abs(exact);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void values_near_1e9_differing_by_1e_minus_3_keep_std_and_slope_within_1e_minus_9_relative(long seed) {
        // Naive one-pass formulas lose everything here, and even Commons Math's SimpleRegression (an updating
        // algorithm) is off by about 1% in the slope; see the handlers' report.
        Random rnd = new Random(seed);
        double[] y = new double[10_000];
        for (int i = 0; i < y.length; i++) {
            y[i] = 1e9 + 1e-3 * rnd.nextDouble() + 1e-7 * i;
        }
        Exact exact = Exact.of(y);

        SeriesStats.Spread spread = SeriesStats.spread(y, 2);
        SeriesStats.Fit fit = SeriesStats.fit(y);

        assertThat(relativeError(spread.mean(), exact.mean())).isLessThan(1e-15);
        assertThat(relativeError(spread.std(), exact.std())).isLessThan(1e-9);
        assertThat(relativeError(fit.slope(), exact.slope())).isLessThan(1e-9);
    }

    @Test
    void a_constant_series_has_zero_std_zero_slope_and_no_outliers() {
        for (double c : new double[] {0.1, -7, 1e9 + 0.1, 1e300, 5e-324}) {
            double[] y = new double[10_000];
            java.util.Arrays.fill(y, c);

            SeriesStats.Spread spread = SeriesStats.spread(y, 2);
            SeriesStats.Fit fit = SeriesStats.fit(y);

            assertThat(spread.std()).as("c=%s", c).isZero();
            assertThat(spread.mean()).as("c=%s", c).isEqualTo(c);
            assertThat(spread.outlierIndexes()).as("c=%s", c).isEmpty();
            assertThat(fit.slope()).as("c=%s", c).isZero();
            assertThat(fit.rSquared()).as("c=%s", c).isZero();
            assertThat(fit.pValue()).as("c=%s", c).isNull();
        }
    }

    private static double[] noisyDrift(long seed, int n) {
        Random rnd = new Random(seed);
        double[] y = new double[n];
        double drift = rnd.nextGaussian() * 0.05;
        for (int i = 0; i < n; i++) {
            y[i] = 20 + drift * i + rnd.nextGaussian() + (rnd.nextInt(100) == 0 ? 8 : 0);
        }
        return y;
    }

    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14})
    void adding_a_constant_leaves_std_and_slope_unchanged(long seed) {
        double[] y = noisyDrift(seed, 2000);
        SeriesStats.Spread base = SeriesStats.spread(y, 2);
        SeriesStats.Fit baseFit = SeriesStats.fit(y);
        for (double c : new double[] {1000, -37.5, 1e6}) {
            double[] shifted = y.clone();
            for (int i = 0; i < shifted.length; i++) {
                shifted[i] += c;
            }

            SeriesStats.Spread s = SeriesStats.spread(shifted, 2);
            SeriesStats.Fit f = SeriesStats.fit(shifted);

            assertThat(relativeError(s.std(), base.std())).as("c=%s", c).isLessThan(1e-9);
            assertThat(relativeError(f.slope(), baseFit.slope())).as("c=%s", c).isLessThan(1e-7);
            assertThat(f.rSquared()).as("c=%s", c).isCloseTo(baseFit.rSquared(), within(1e-9));
            assertThat(s.outlierIndexes()).as("c=%s", c).isEqualTo(base.outlierIndexes());
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {21, 22, 23, 24})
    void multiplying_by_c_multiplies_std_by_abs_c_and_slope_by_c(long seed) {
        double[] y = noisyDrift(seed, 2000);
        SeriesStats.Spread base = SeriesStats.spread(y, 2);
        SeriesStats.Fit baseFit = SeriesStats.fit(y);
        for (double c : new double[] {3, -2.5, 1e-3, -1e6}) {
            double[] scaled = y.clone();
            for (int i = 0; i < scaled.length; i++) {
                scaled[i] *= c;
            }

            SeriesStats.Spread s = SeriesStats.spread(scaled, 2);
            SeriesStats.Fit f = SeriesStats.fit(scaled);

            assertThat(relativeError(s.std(), Math.abs(c) * base.std())).as("c=%s", c).isLessThan(1e-12);
            assertThat(relativeError(f.slope(), c * baseFit.slope())).as("c=%s", c).isLessThan(1e-9);
            assertThat(relativeError(f.intercept(), c * baseFit.intercept())).as("c=%s", c).isLessThan(1e-9);
            assertThat(s.outlierIndexes()).as("c=%s", c).isEqualTo(base.outlierIndexes());
        }
    }

    @Test
    void huge_values_whose_squares_overflow_still_give_exact_statistics() {
        // Squared deviations of 1e300 overflow a double; the statistics are recomputed on a copy scaled by 2^-k.
        double[] y = {1e300, -1e300, 1e300, -1e300, 1e300, -1e300, 1e300, -1e300, 1e300, 9e300};
        Exact exact = Exact.of(y);

        SeriesStats.Spread spread = SeriesStats.spread(y, 2);
        SeriesStats.Fit fit = SeriesStats.fit(y);

        assertThat(relativeError(spread.mean(), exact.mean())).isLessThan(1e-14);
        assertThat(relativeError(spread.std(), exact.std())).isLessThan(1e-14);
        assertThat(relativeError(fit.slope(), exact.slope())).isLessThan(1e-14);
        assertThat(spread.outlierIndexes()).containsExactly(9);
    }

    @Test
    void tiny_values_whose_squares_underflow_still_give_exact_statistics() {
        double[] y = {1e-300, 2e-300, 1e-300, 2e-300, 1e-300, 2e-300, 1e-300, 2e-300, 1e-300, 30e-300};
        Exact exact = Exact.of(y);

        SeriesStats.Spread spread = SeriesStats.spread(y, 2);
        SeriesStats.Fit fit = SeriesStats.fit(y);

        assertThat(relativeError(spread.std(), exact.std())).isLessThan(1e-14);
        assertThat(relativeError(fit.slope(), exact.slope())).isLessThan(1e-14);
        assertThat(spread.outlierIndexes()).containsExactly(9);
    }

    @Test
    void the_largest_doubles_give_a_finite_mean_and_std() {
        // Sums overflow; population std of {MAX, -MAX} is exactly MAX.
        SeriesStats.Spread spread = SeriesStats.spread(new double[] {Double.MAX_VALUE, -Double.MAX_VALUE}, 2);

        assertThat(spread.mean()).isZero();
        assertThat(spread.std()).isEqualTo(Double.MAX_VALUE);
    }

    @Test
    void extreme_inputs_never_put_nan_or_infinity_in_any_output() {
        double max = Double.MAX_VALUE;
        WorkflowInput in = WorkflowInput.of(List.of(
                        Series.sensor("huge", 1e300, -1e300, 1e300, 9e300),
                        Series.sensor("near_max", max / 8, max / 8, -max / 8, max / 8, max / 8),
                        Series.sensor("tiny", 1e-300, 2e-300, 30e-300, 1e-300),
                        Series.sensor("subnormal", Double.MIN_VALUE, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                        Series.sensor("mixed", 1e-300, 1e300, -5, 0),
                        Series.sensor("constant", 7, 7, 7),
                        Series.sensor("pair", 1, 2),
                        Series.sensor("single", 1)),
                List.of(Series.measurement("P", "w", max, -max, max, 0)), null);

        ObjectNode outliers = run(new DetectOutliersHandler(), in);
        ObjectNode trends = run(new AnalyzeTrendsHandler(), in);
        ObjectNode synthesis = Fixtures.runOn(new SynthesizeHandler(), Map.of("detect_outliers", outliers, "analyze_trends", trends));
        ObjectNode verdict = Fixtures.runOn(new VerdictHandler(), Map.of("synthesize", synthesis));

        assertAllNumbersFinite(outliers);
        assertAllNumbersFinite(trends);
        assertAllNumbersFinite(verdict);
        assertThat(outliers.get("outliers").findValuesAsText("sensor_id")).contains("subnormal");
    }

    @Test
    void a_slope_beyond_the_double_range_is_a_handler_error_naming_the_series() {
        // Going from MAX to -MAX in one step is a slope of -2 * MAX, which no double can hold.
        WorkflowInput in = sensors(Series.sensor("ok", 1, 2), Series.sensor("wild", Double.MAX_VALUE, -Double.MAX_VALUE));

        HandlerException e = catchThrowableOfType(HandlerException.class, () -> run(new AnalyzeTrendsHandler(), in));

        assertThat(e.field()).isEqualTo("sensor_readings[1].values");
        assertThat(e.getMessage()).startsWith("analyze_trends: the slope of sensor wild (sensor_readings[1].values) is too large");
    }

    @Test
    void round4_rounds_like_python_round_x_4() {
        // Expected values from CPython 3: round(x, 4), which rounds the exact binary value.
        assertThat(SeriesStats.round4(2.00005)).isEqualTo(2.0);
        assertThat(SeriesStats.round4(1.00005)).isEqualTo(1.0001);
        assertThat(SeriesStats.round4(0.00005)).isEqualTo(0.0001);
        assertThat(SeriesStats.round4(0.12345)).isEqualTo(0.1235);
        assertThat(SeriesStats.round4(0.11115)).isEqualTo(0.1111);
        assertThat(SeriesStats.round4(123456.78905)).isEqualTo(123456.7891);
        assertThat(SeriesStats.round4(-2.00005)).isEqualTo(-2.0);
        assertThat(SeriesStats.round4(1e300)).isEqualTo(1e300);
        assertThat(Double.doubleToRawLongBits(SeriesStats.round4(-0.00001))).isEqualTo(Double.doubleToRawLongBits(-0.0));
    }

    @Test
    void round4_gives_the_bits_of_the_exact_decimal_rounding_everywhere() {
        // round4 skips the big decimals except near a tie; this holds it to the exact path bit for
        // bit: random magnitudes, the ties themselves and their neighbours a few ulps away, values at
        // the fast path's limit, and signed zeros.
        Random random = new Random(4);
        List<Double> xs = new java.util.ArrayList<>(List.of(0.0, -0.0, 0.00005, -0.00005, 0.00015, 2.00005, 1e-300,
            -1e-300, Double.MIN_VALUE, 214748.3647, 214748.36475, -214748.36475, 214748.3648, 1e300));
        for (int i = 0; i < 200_000; i++) {
            double magnitude = Math.pow(10, -12 + 22 * random.nextDouble());
            xs.add((random.nextBoolean() ? 1 : -1) * magnitude * random.nextDouble());
        }
        for (int i = 0; i < 20_000; i++) {
            long k = random.nextInt(1 << 30) * (random.nextBoolean() ? 1L : -1L) >> random.nextInt(30);
            double tie = (k + 0.5) / 1e4;
            double below = tie;
            double above = tie;
            for (int step = 0; step < 4; step++) {
                xs.add(below);
                xs.add(above);
                below = Math.nextDown(below);
                above = Math.nextUp(above);
            }
        }
        for (int j = -4001; j <= 4001; j += 2) {
            xs.add(j / 32.0); // x * 10^4 = j * 312.5: a tie, exactly
        }
        for (double limit : new double[] {0x1p31 / 1e4, -0x1p31 / 1e4}) {
            double x = limit;
            for (int step = 0; step < 8; step++) {
                xs.add(x);
                xs.add(Math.nextUp(limit) + (limit - x));
                x = Math.nextDown(x);
            }
        }

        for (double x : xs) {
            long fast = Double.doubleToRawLongBits(SeriesStats.round4(x));
            long exact = Double.doubleToRawLongBits(SeriesStats.round4Exact(x));
            if (fast != exact) {
                assertThat(SeriesStats.round4(x)).as("round4(%s)", new BigDecimal(x)).isEqualTo(SeriesStats.round4Exact(x));
                assertThat(fast).as("bits of round4(%s)", x).isEqualTo(exact);
            }
        }
        assertThat(xs).hasSizeGreaterThan(360_000);
    }

    @Test
    void every_output_of_a_realistic_run_is_finite() {
        WorkflowInput in = WorkflowInput.parse(SamplePayloads.realistic(5));
        JsonNode outliers = run(new DetectOutliersHandler(), in);
        JsonNode trends = run(new AnalyzeTrendsHandler(), in);

        assertAllNumbersFinite(outliers);
        assertAllNumbersFinite(trends);
    }
}
