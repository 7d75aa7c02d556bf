package dev.kiln.handlers;

import static dev.kiln.handlers.Fixtures.json;
import static dev.kiln.handlers.Fixtures.runOn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VerdictHandlerTest {

    private final VerdictHandler handler = new VerdictHandler();

    private static JsonNode synthesis(boolean critical, String outliers, String unstable) {
        return json("{\"outliers\": " + outliers + ", \"trends\": [], \"has_critical_outliers\": " + critical
                + ", \"unstable_sensors\": " + unstable + ", \"total_flagged\": 0, \"skipped\": {}}");
    }

    private ObjectNode verdictOf(JsonNode synthesis) {
        return runOn(handler, Map.of("synthesize", synthesis));
    }

    @Test
    void verdict_is_fail_when_outliers_and_unstable_sensors() {
        ObjectNode out = verdictOf(synthesis(true, "[{\"sensor_id\": \"a\"}, {\"sensor_id\": \"b\"}]", "[\"a\"]"));

        assertThat(out.get("verdict").asText()).isEqualTo("FAIL");
        assertThat(out.get("summary").asText()).isEqualTo("Outliers: 2, Unstable sensors: 1");
    }

    @Test
    void verdict_is_warning_when_only_outliers() {
        ObjectNode out = verdictOf(synthesis(true, "[{\"sensor_id\": \"a\"}]", "[]"));

        assertThat(out.get("verdict").asText()).isEqualTo("WARNING");
        assertThat(out.get("summary").asText()).isEqualTo("Outliers: 1, Unstable sensors: 0");
    }

    @Test
    void verdict_is_warning_when_only_unstable_sensors() {
        ObjectNode out = verdictOf(synthesis(false, "[]", "[\"a\", \"b\", \"c\"]"));

        assertThat(out.get("verdict").asText()).isEqualTo("WARNING");
        assertThat(out.get("summary").asText()).isEqualTo("Outliers: 0, Unstable sensors: 3");
    }

    @Test
    void verdict_is_pass_when_neither() {
        ObjectNode out = verdictOf(synthesis(false, "[]", "[]"));

        assertThat(out.get("verdict").asText()).isEqualTo("PASS");
        assertThat(out.get("summary").asText()).isEqualTo("Outliers: 0, Unstable sensors: 0");
    }

    @Test
    void every_synthesis_field_is_copied_after_verdict_and_summary() {
        JsonNode synthesis = json("{\"outliers\": [], \"trends\": [{\"sensor_id\": \"a\", \"direction\": \"stable\"}],"
                + " \"has_critical_outliers\": false, \"unstable_sensors\": [], \"custom\": {\"x\": 1}}");

        ObjectNode out = verdictOf(synthesis);

        assertThat(out.fieldNames()).toIterable()
                .containsExactly("verdict", "summary", "outliers", "trends", "has_critical_outliers", "unstable_sensors", "custom");
        synthesis.fields().forEachRemaining(f -> assertThat(out.get(f.getKey())).isEqualTo(f.getValue()));
    }

    @Test
    void does_not_need_the_workflow_input() {
        assertThat(handler.needsInput()).isFalse();
        assertThat(handler.name()).isEqualTo("verdict");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"unstable_sensors\": [], \"outliers\": []}|upstream.synthesize.has_critical_outliers|verdict: upstream synthesize.has_critical_outliers must be a boolean, but it is missing",
        "{\"has_critical_outliers\": \"yes\", \"unstable_sensors\": [], \"outliers\": []}|upstream.synthesize.has_critical_outliers|verdict: upstream synthesize.has_critical_outliers must be a boolean, got \"yes\"",
        "{\"has_critical_outliers\": true, \"unstable_sensors\": \"a\", \"outliers\": []}|upstream.synthesize.unstable_sensors|verdict: upstream synthesize.unstable_sensors must be an array",
        "{\"has_critical_outliers\": true, \"unstable_sensors\": [3], \"outliers\": []}|upstream.synthesize.unstable_sensors[0]|verdict: upstream synthesize.unstable_sensors[0] must be a string",
        "{\"has_critical_outliers\": true, \"unstable_sensors\": []}|upstream.synthesize.outliers|verdict: upstream synthesize.outliers must be an array",
        "[]|upstream.synthesize|verdict: upstream synthesize must be an object",
    })
    void malformed_synthesis_is_an_error_naming_the_task_and_field(String synthesis, String field, String message) {
        HandlerException e = catchThrowableOfType(HandlerException.class, () -> verdictOf(json(synthesis)));

        assertThat(e.taskType()).isEqualTo("verdict");
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.getMessage()).startsWith(message);
    }

    @Test
    void a_missing_synthesis_is_an_error_naming_it() {
        HandlerException e = catchThrowableOfType(HandlerException.class, () -> runOn(handler, Map.of()));

        assertThat(e.field()).isEqualTo("upstream.synthesize");
        assertThat(e.getMessage()).startsWith("verdict: upstream synthesize is missing");
    }
}
