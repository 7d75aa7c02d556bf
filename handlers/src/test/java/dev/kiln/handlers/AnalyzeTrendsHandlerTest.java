package dev.kiln.handlers;

import static dev.kiln.handlers.Fixtures.json;
import static dev.kiln.handlers.Fixtures.run;
import static dev.kiln.handlers.Fixtures.sensors;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.stat.regression.SimpleRegression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AnalyzeTrendsHandlerTest {

    private final AnalyzeTrendsHandler handler = new AnalyzeTrendsHandler();

    private JsonNode trendOf(double... values) {
        return run(handler, sensors(Series.sensor("s", values))).get("trends").get(0);
    }

    @Test
    void the_documented_example_trends_upward() {
        // temp_1 against x = 0..3: xbar 1.5, Sxx 5, ybar 79.125;
        // Sxy = (-1.5)(-7.025) + (-0.5)(-5.725) + (0.5)(-7.325) + (1.5)(20.075) = 39.85; slope 7.97 > 0.01.
        // intercept 79.125 - 7.97 * 1.5 = 67.17; Syy 538.7875; r2 = 39.85^2 / (5 * 538.7875) = 0.589480.
        // t^2 = r2 * 2 / (1 - r2) = 2.8719; with 2 degrees of freedom p = 1 - |t| / sqrt(2 + t^2) = 0.2322239372.
        ObjectNode out = run(handler, WorkflowInput.parse(SamplePayloads.tiny()));

        JsonNode t = out.get("trends").get(0);
        assertThat(t.get("sensor_id").asText()).isEqualTo("temp_1");
        assertThat(t.get("slope").asDouble()).isEqualTo(7.97);
        assertThat(t.get("direction").asText()).isEqualTo("increasing");
        assertThat(t.get("intercept").asDouble()).isEqualTo(67.17);
        assertThat(t.get("r_squared").asDouble()).isEqualTo(0.5895);
        assertThat(t.get("n").asInt()).isEqualTo(4);
        assertThat(t.get("p_value").asDouble()).isCloseTo(0.23222393721029633, within(1e-12));
        // Measurements are not trended.
        assertThat(out.get("trends").size()).isEqualTo(1);
        assertThat(out.get("series_checked").asInt()).isEqualTo(1);
    }

    @Test
    void a_perfect_line_up_is_increasing_with_r_squared_one_and_p_zero() {
        JsonNode t = trendOf(1, 2, 3, 4, 5);

        assertThat(t).isEqualTo(json("{\"sensor_id\": \"s\", \"slope\": 1.0, \"direction\": \"increasing\", \"intercept\": 1.0,"
                + " \"r_squared\": 1.0, \"n\": 5, \"p_value\": 0.0}"));
    }

    @Test
    void a_falling_series_is_decreasing() {
        JsonNode t = trendOf(5, 4, 3, 2, 1);

        assertThat(t.get("slope").asDouble()).isEqualTo(-1.0);
        assertThat(t.get("direction").asText()).isEqualTo("decreasing");
        assertThat(t.get("intercept").asDouble()).isEqualTo(5.0);
    }

    @Test
    void a_slope_within_the_threshold_is_stable() {
        // slope 0.005 per reading, below the default 0.01 either way.
        assertThat(trendOf(0, 0.005, 0.01).get("direction").asText()).isEqualTo("stable");
        assertThat(trendOf(0.01, 0.005, 0).get("direction").asText()).isEqualTo("stable");
        assertThat(trendOf(0.01, 0.005, 0).get("slope").asDouble()).isEqualTo(-0.005);
    }

    @Test
    void a_slope_equal_to_the_threshold_is_stable_and_the_threshold_is_a_param() {
        // [0, 1] has slope exactly 1.
        Series s = Series.sensor("s", 0, 1);

        assertThat(run(handler, sensors(s), "{\"slope_threshold\": 1}").get("trends").get(0).get("direction").asText()).isEqualTo("stable");
        assertThat(run(handler, sensors(s), "{\"slope_threshold\": 0.5}").get("trends").get(0).get("direction").asText()).isEqualTo("increasing");
        assertThat(run(handler, sensors(Series.sensor("s", 1, 0)), "{\"slope_threshold\": 0.5}").get("trends").get(0).get("direction").asText())
                .isEqualTo("decreasing");
        assertThat(run(handler, sensors(s), "{\"slope_threshold\": 1}").get("slope_threshold").asDouble()).isEqualTo(1.0);
    }

    @Test
    void the_direction_uses_the_unrounded_slope() {
        // slope 0.01004 rounds to 0.01 but is above the 0.01 threshold.
        assertThat(trendOf(0, 0.01004).get("slope").asDouble()).isEqualTo(0.01);
        assertThat(trendOf(0, 0.01004).get("direction").asText()).isEqualTo("increasing");
    }

    @Test
    void a_constant_series_is_stable_with_zero_slope_and_r_squared_and_no_p_value() {
        JsonNode t = trendOf(4.2, 4.2, 4.2, 4.2);

        assertThat(t).isEqualTo(json("{\"sensor_id\": \"s\", \"slope\": 0.0, \"direction\": \"stable\", \"intercept\": 4.2,"
                + " \"r_squared\": 0.0, \"n\": 4, \"p_value\": null}"));
    }

    @Test
    void two_values_have_a_slope_but_no_p_value() {
        JsonNode t = trendOf(3, 1);

        assertThat(t.get("slope").asDouble()).isEqualTo(-2.0);
        assertThat(t.get("r_squared").asDouble()).isEqualTo(1.0);
        assertThat(t.get("p_value").isNull()).isTrue();
    }

    @Test
    void a_series_without_any_linear_trend_has_r_squared_zero_and_p_value_one() {
        // [1, 0, 0, 1]: Sxy = (-1.5)(0.5) + (-0.5)(-0.5) + (0.5)(-0.5) + (1.5)(0.5) = 0.
        JsonNode t = trendOf(1, 0, 0, 1);

        assertThat(t.get("slope").asDouble()).isZero();
        assertThat(t.get("r_squared").asDouble()).isZero();
        assertThat(t.get("p_value").asDouble()).isEqualTo(1.0);
    }

    @Test
    void three_values_have_a_p_value_from_one_degree_of_freedom() {
        // [0, 2, 1]: slope 0.5, r2 = 0.25; t = sqrt(0.25 / 0.75) = 0.57735; with 1 degree of freedom
        // p = 1 - (2 / pi) atan(t) = 1 - (2 / pi)(pi / 6) = 2/3.
        JsonNode t = trendOf(0, 2, 1);

        assertThat(t.get("r_squared").asDouble()).isEqualTo(0.25);
        assertThat(t.get("p_value").asDouble()).isCloseTo(2.0 / 3, within(1e-12));
    }

    @Test
    void slope_intercept_r_squared_and_p_value_agree_with_commons_math_on_well_conditioned_data() {
        for (long seed = 1; seed <= 5; seed++) {
            Random rnd = new Random(seed);
            int n = 20 + rnd.nextInt(300);
            double[] v = new double[n];
            double drift = rnd.nextGaussian() * 0.02;
            for (int i = 0; i < n; i++) {
                v[i] = 50 + drift * i + rnd.nextGaussian();
            }
            SimpleRegression reference = new SimpleRegression();
            for (int i = 0; i < n; i++) {
                reference.addData(i, v[i]);
            }

            SeriesStats.Fit fit = SeriesStats.fit(v);

            assertThat(fit.slope()).as("seed %d", seed).isCloseTo(reference.getSlope(), within(1e-12));
            assertThat(fit.intercept()).as("seed %d", seed).isCloseTo(reference.getIntercept(), within(1e-10));
            assertThat(fit.rSquared()).as("seed %d", seed).isCloseTo(reference.getRSquare(), within(1e-12));
            assertThat(fit.pValue()).as("seed %d", seed).isCloseTo(reference.getSignificance(), within(1e-9));
        }
    }

    @Test
    void sensors_with_fewer_than_two_values_are_skipped_and_said() {
        ObjectNode out = run(handler, WorkflowInput.of(List.of(Series.sensor("one", 1), Series.sensor("ok", 1, 2)), List.of(), null));

        assertThat(out.get("trends").findValuesAsText("sensor_id")).containsExactly("ok");
        assertThat(out.get("skipped")).isEqualTo(json("[{\"sensor_id\": \"one\", \"kind\": \"sensor\", \"reason\": \"fewer than 2 values\", \"n\": 1}]"));
    }

    @Test
    void trends_keep_sensor_input_order() {
        ObjectNode out = run(handler, sensors(Series.sensor("z", 1, 2), Series.sensor("a", 2, 1), Series.sensor("m", 1, 1)));

        assertThat(out.get("trends").findValuesAsText("sensor_id")).containsExactly("z", "a", "m");
        assertThat(out.get("trends").findValuesAsText("direction")).containsExactly("increasing", "decreasing", "stable");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"slope_threshold\": -0.1}", "{\"slope_threshold\": \"0.01\"}", "{\"slope_threshold\": null}"})
    void an_invalid_slope_threshold_is_rejected_naming_the_param(String params) {
        HandlerException e = catchThrowableOfType(HandlerException.class, () -> run(handler, sensors(), params));

        assertThat(e.field()).isEqualTo("params.slope_threshold");
        assertThat(e.getMessage()).startsWith("analyze_trends: params.slope_threshold must be a non-negative number");
    }

    @Test
    void a_zero_threshold_makes_any_nonzero_slope_a_direction() {
        assertThat(run(handler, sensors(Series.sensor("s", 0, 1e-9)), "{\"slope_threshold\": 0}").get("trends").get(0).get("direction").asText())
                .isEqualTo("increasing");
    }
}
