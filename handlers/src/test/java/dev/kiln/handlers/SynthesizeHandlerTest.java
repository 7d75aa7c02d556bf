package dev.kiln.handlers;

import static dev.kiln.handlers.Fixtures.json;
import static dev.kiln.handlers.Fixtures.runOn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SynthesizeHandlerTest {

    private static final String OUTLIERS = "{\"outliers\": [{\"sensor_id\": \"t1\", \"outliers\": [99.0], \"mean\": 1.0, \"std\": 2.0}],"
            + " \"total_flagged\": 1, \"skipped\": [{\"sensor_id\": \"x\", \"reason\": \"fewer than 2 values\", \"n\": 1}]}";
    private static final String TRENDS = "{\"trends\": [{\"sensor_id\": \"t1\", \"slope\": 0.5, \"direction\": \"increasing\"},"
            + " {\"sensor_id\": \"t2\", \"slope\": 0.0, \"direction\": \"stable\"},"
            + " {\"sensor_id\": \"t3\", \"slope\": -0.5, \"direction\": \"decreasing\"}]}";

    private final SynthesizeHandler handler = new SynthesizeHandler();

    private static Map<String, JsonNode> upstream(String outliers, String trends) {
        return Map.of("detect_outliers", json(outliers), "analyze_trends", json(trends));
    }

    @Test
    void combines_outliers_and_trends_and_lists_unstable_sensors_in_trend_order() {
        ObjectNode out = runOn(handler, upstream(OUTLIERS, TRENDS));

        assertThat(out.get("outliers")).isEqualTo(json(OUTLIERS).get("outliers"));
        assertThat(out.get("trends")).isEqualTo(json(TRENDS).get("trends"));
        assertThat(out.get("has_critical_outliers").asBoolean()).isTrue();
        assertThat(out.get("unstable_sensors")).isEqualTo(json("[\"t1\", \"t3\"]"));
        assertThat(out.get("total_flagged").asInt()).isEqualTo(1);
        assertThat(out.get("skipped").get("detect_outliers")).isEqualTo(json(OUTLIERS).get("skipped"));
        assertThat(out.get("skipped").get("analyze_trends")).isEqualTo(json("[]"));
    }

    @Test
    void no_flagged_series_means_no_critical_outliers() {
        ObjectNode out = runOn(handler, upstream("{\"outliers\": [], \"total_flagged\": 0}", "{\"trends\": []}"));

        assertThat(out.get("has_critical_outliers").asBoolean()).isFalse();
        assertThat(out.get("unstable_sensors")).isEqualTo(json("[]"));
    }

    @Test
    void upstream_task_names_can_be_overridden_by_params() {
        Map<String, JsonNode> upstream = Map.of("find_spikes", json(OUTLIERS), "drift", json(TRENDS));

        ObjectNode out = runOn(handler, upstream, "{\"outliers_from\": \"find_spikes\", \"trends_from\": \"drift\"}");

        assertThat(out.get("unstable_sensors").size()).isEqualTo(2);
    }

    @Test
    void does_not_need_the_workflow_input() {
        assertThat(handler.needsInput()).isFalse();
        assertThat(handler.name()).isEqualTo("synthesize");
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of(Map.of("analyze_trends", json(TRENDS)), "upstream.detect_outliers",
                        "synthesize: upstream detect_outliers is missing"),
                Arguments.of(Map.of("detect_outliers", json(OUTLIERS)), "upstream.analyze_trends",
                        "synthesize: upstream analyze_trends is missing"),
                Arguments.of(upstream("[]", TRENDS), "upstream.detect_outliers",
                        "synthesize: upstream detect_outliers must be an object"),
                Arguments.of(upstream("{\"outliers\": {}, \"total_flagged\": 0}", TRENDS), "upstream.detect_outliers.outliers",
                        "synthesize: upstream detect_outliers.outliers must be an array"),
                Arguments.of(upstream("{\"total_flagged\": 0}", TRENDS), "upstream.detect_outliers.outliers",
                        "synthesize: upstream detect_outliers.outliers must be an array, but it is missing"),
                Arguments.of(upstream("{\"outliers\": [], \"total_flagged\": \"1\"}", TRENDS), "upstream.detect_outliers.total_flagged",
                        "synthesize: upstream detect_outliers.total_flagged must be a number"),
                Arguments.of(upstream("{\"outliers\": []}", TRENDS), "upstream.detect_outliers.total_flagged",
                        "synthesize: upstream detect_outliers.total_flagged must be a number"),
                Arguments.of(upstream("{\"outliers\": [], \"total_flagged\": 0, \"skipped\": 3}", TRENDS), "upstream.detect_outliers.skipped",
                        "synthesize: upstream detect_outliers.skipped must be an array"),
                Arguments.of(upstream(OUTLIERS, "{\"trends\": null}"), "upstream.analyze_trends.trends",
                        "synthesize: upstream analyze_trends.trends must be an array"),
                Arguments.of(upstream(OUTLIERS, "{\"trends\": [{\"sensor_id\": \"a\", \"direction\": \"stable\"}, {\"sensor_id\": \"b\"}]}"),
                        "upstream.analyze_trends.trends[1].direction", "synthesize: upstream analyze_trends.trends[1].direction must be a string"),
                Arguments.of(upstream(OUTLIERS, "{\"trends\": [{\"sensor_id\": \"a\", \"direction\": \"sideways\"}]}"),
                        "upstream.analyze_trends.trends[0].direction", "must be one of \"increasing\", \"decreasing\", \"stable\""),
                Arguments.of(upstream(OUTLIERS, "{\"trends\": [{\"direction\": \"stable\"}]}"),
                        "upstream.analyze_trends.trends[0].sensor_id", "synthesize: upstream analyze_trends.trends[0].sensor_id must be a string"),
                Arguments.of(upstream(OUTLIERS, "{\"trends\": [7]}"),
                        "upstream.analyze_trends.trends[0]", "synthesize: upstream analyze_trends.trends[0] must be an object"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void malformed_upstream_output_is_an_error_naming_the_task_and_field(Map<String, JsonNode> upstream, String field, String message) {
        HandlerException e = catchThrowableOfType(HandlerException.class, () -> runOn(handler, upstream));

        assertThat(e).isNotNull();
        assertThat(e.taskType()).isEqualTo("synthesize");
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.getMessage()).contains(message);
    }
}
