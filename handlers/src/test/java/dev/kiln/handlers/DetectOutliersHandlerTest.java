package dev.kiln.handlers;

import static dev.kiln.handlers.Fixtures.json;
import static dev.kiln.handlers.Fixtures.run;
import static dev.kiln.handlers.Fixtures.sensors;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DetectOutliersHandlerTest {

    private final DetectOutliersHandler handler = new DetectOutliersHandler();

    @Test
    void the_documented_example_has_no_outliers() {
        // temp_1: mean 316.5 / 4 = 79.125; deviations -7.025 -5.725 -7.325 20.075; squares sum 538.7875;
        // population variance 134.696875, std 11.6059; 2 std = 23.21 > 20.075, so 99.2 is not flagged.
        // (With 4 values no z-score can exceed sqrt(3).) A100 width: mean 10.00333, std 0.016997,
        // largest z-score 1.37 (9.98). Both series are checked, neither listed.
        ObjectNode out = run(handler, WorkflowInput.parse(SamplePayloads.tiny()));

        assertThat(out.get("outliers")).isEqualTo(json("[]"));
        assertThat(out.get("total_flagged").asInt()).isZero();
        assertThat(out.get("values_flagged").asInt()).isZero();
        assertThat(out.get("series_checked").asInt()).isEqualTo(2);
        assertThat(out.get("skipped")).isEqualTo(json("[]"));
        assertThat(out.get("sigma").asDouble()).isEqualTo(2.0);
    }

    @Test
    void flags_a_sensor_value_beyond_two_standard_deviations() {
        // mean (9*10 + 50) / 10 = 14; deviations -4 (x9) and 36; variance (9*16 + 1296) / 10 = 144; std 12.
        // |50 - 14| = 36 > 24; |10 - 14| = 4 is not.
        ObjectNode out = run(handler, sensors(Series.sensor("temp_1", 10, 10, 10, 10, 10, 10, 10, 10, 10, 50)));

        assertThat(out.get("outliers")).isEqualTo(json("[{\"sensor_id\": \"temp_1\", \"outliers\": [50.0], \"mean\": 14.0,"
                + " \"std\": 12.0, \"kind\": \"sensor\", \"n\": 10, \"indexes\": [9]}]"));
        assertThat(out.get("total_flagged").asInt()).isEqualTo(1);
    }

    @Test
    void flags_a_measurement_value_with_part_and_dimension() {
        // mean (9*5 - 15) / 10 = 3; deviations 2 (x9) and -18; variance (36 + 324) / 10 = 36; std 6; |-15 - 3| = 18 > 12.
        WorkflowInput in = WorkflowInput.of(List.of(), List.of(Series.measurement("A100", "width", 5, 5, 5, 5, 5, 5, 5, 5, 5, -15)), null);

        ObjectNode out = run(handler, in);

        assertThat(out.get("outliers")).isEqualTo(json("[{\"part_id\": \"A100\", \"dimension\": \"width\", \"outliers\": [-15.0],"
                + " \"mean\": 3.0, \"std\": 6.0, \"kind\": \"measurement\", \"n\": 10, \"indexes\": [9]}]"));
    }

    @Test
    void uses_the_population_standard_deviation() {
        // [0 x5, 10]: mean 5/3, population variance 125/9, std 3.7268; z(10) = (25/3) / 3.7268 = 2.236 > 2.1.
        // With the sample standard deviation (variance 50/3, std 4.0825) z would be 2.041 and nothing flagged.
        ObjectNode out = run(handler, sensors(Series.sensor("s", 0, 0, 0, 0, 0, 10)), "{\"sigma\": 2.1}");

        JsonNode entry = out.get("outliers").get(0);
        assertThat(entry.get("outliers")).isEqualTo(json("[10.0]"));
        assertThat(entry.get("mean").asDouble()).isEqualTo(1.6667);
        assertThat(entry.get("std").asDouble()).isEqualTo(3.7268);
    }

    @Test
    void sigma_param_changes_the_threshold_and_values_keep_input_order() {
        // mean 0, variance 200 / 10 = 20, std 4.4721, so 10 and -10 are 2.236 std away: flagged with sigma 1, not with 2.5.
        Series s = Series.sensor("s", 0, 0, 0, 0, 10, 0, 0, 0, 0, -10);

        JsonNode entry = run(handler, sensors(s), "{\"sigma\": 1}").get("outliers").get(0);
        assertThat(entry.get("outliers")).isEqualTo(json("[10.0, -10.0]"));
        assertThat(entry.get("indexes")).isEqualTo(json("[4, 9]"));
        assertThat(entry.get("std").asDouble()).isEqualTo(4.4721);
        assertThat(run(handler, sensors(s), "{\"sigma\": 2.5}").get("outliers").size()).isZero();
    }

    @Test
    void a_value_exactly_sigma_standard_deviations_away_is_not_flagged() {
        // [0, 2]: mean 1, std 1; |0 - 1| = 1 is not > 1 * 1.
        assertThat(run(handler, sensors(Series.sensor("s", 0, 2)), "{\"sigma\": 1}").get("total_flagged").asInt()).isZero();
    }

    @Test
    void a_constant_series_has_no_outliers() {
        ObjectNode out = run(handler, sensors(Series.sensor("s", 3.3, 3.3, 3.3, 3.3)), "{\"sigma\": 0.001}");

        assertThat(out.get("outliers").size()).isZero();
        assertThat(out.get("series_checked").asInt()).isEqualTo(1);
    }

    @Test
    void lists_sensors_first_then_measurements_each_in_input_order_and_counts_series_not_values() {
        Series spiky = Series.sensor("b", 10, 10, 10, 10, 10, 10, 10, 10, 10, 50);
        Series twoSpikes = Series.sensor("a", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, -9);
        Series quiet = Series.sensor("c", 1, 2, 3);
        Series part = Series.measurement("P1", "w", 5, 5, 5, 5, 5, 5, 5, 5, 5, -15);
        WorkflowInput in = WorkflowInput.of(List.of(spiky, quiet, twoSpikes), List.of(part), null);

        ObjectNode out = run(handler, in);

        assertThat(out.get("outliers").findValuesAsText("sensor_id")).containsExactly("b", "a");
        assertThat(out.get("outliers").get(1).get("outliers")).isEqualTo(json("[9.0, -9.0]"));
        assertThat(out.get("outliers").get(2).get("part_id").asText()).isEqualTo("P1");
        assertThat(out.get("total_flagged").asInt()).isEqualTo(3);
        assertThat(out.get("values_flagged").asInt()).isEqualTo(4);
        assertThat(out.get("series_checked").asInt()).isEqualTo(4);
    }

    @Test
    void series_with_fewer_than_two_values_are_skipped_and_said() {
        WorkflowInput in = WorkflowInput.of(List.of(Series.sensor("one", 5), Series.sensor("none")),
                List.of(Series.measurement("P", "w", 1)), null);

        ObjectNode out = run(handler, in);

        assertThat(out.get("skipped")).isEqualTo(json("[{\"sensor_id\": \"one\", \"kind\": \"sensor\", \"reason\": \"fewer than 2 values\", \"n\": 1},"
                + " {\"sensor_id\": \"none\", \"kind\": \"sensor\", \"reason\": \"fewer than 2 values\", \"n\": 0},"
                + " {\"part_id\": \"P\", \"dimension\": \"w\", \"kind\": \"measurement\", \"reason\": \"fewer than 2 values\", \"n\": 1}]"));
        assertThat(out.get("series_checked").asInt()).isZero();
        assertThat(out.get("total_flagged").asInt()).isZero();
    }

    @Test
    void mean_and_std_are_rounded_to_four_places() {
        // 29 zeros and a 10: mean 1/3 -> 0.3333; variance (29/9 + (29/3)^2) / 30 = 29/9, std 1.795055 -> 1.7951.
        double[] v = new double[30];
        v[29] = 10;
        ObjectNode out = run(handler, sensors(Series.sensor("s", v)));

        JsonNode entry = out.get("outliers").get(0);
        assertThat(entry.get("mean").asDouble()).isEqualTo(0.3333);
        assertThat(entry.get("std").asDouble()).isEqualTo(1.7951);
        assertThat(entry.get("indexes")).isEqualTo(json("[29]"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"sigma\": 0}", "{\"sigma\": -1}", "{\"sigma\": \"2\"}", "{\"sigma\": null}", "{\"sigma\": true}", "{\"sigma\": [2]}"})
    void an_invalid_sigma_is_rejected_naming_the_param(String params) {
        HandlerException e = catchThrowableOfType(HandlerException.class, () -> run(handler, sensors(), params));

        assertThat(e.taskType()).isEqualTo("detect_outliers");
        assertThat(e.field()).isEqualTo("params.sigma");
        assertThat(e.getMessage()).startsWith("detect_outliers: params.sigma must be a positive number, got ");
    }

    @Test
    void params_that_are_not_an_object_are_rejected() {
        assertThatThrownBy(() -> run(handler, sensors(), "[1]"))
                .isInstanceOfSatisfying(HandlerException.class, e -> assertThat(e.field()).isEqualTo("params"));
    }

    @Test
    void a_missing_input_is_a_handler_error() {
        assertThatThrownBy(() -> handler.handle(new TaskContext("detect_outliers", null, Map.of(), json("{}"))))
                .isInstanceOfSatisfying(HandlerException.class, e -> {
                    assertThat(e.field()).isEqualTo("input");
                    assertThat(e.getMessage()).isEqualTo("detect_outliers: the workflow input is missing");
                });
    }

    @Test
    void needs_the_input() {
        assertThat(handler.needsInput()).isTrue();
        assertThat(handler.name()).isEqualTo("detect_outliers");
    }
}
