package dev.kiln.handlers;

import static dev.kiln.handlers.Fixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The four handlers chained the way the standard workflow runs them. */
class PipelineTest {

    private static ObjectNode runAll(WorkflowInput in) {
        HandlerRegistry registry = HandlerRegistry.builtIn();
        JsonNode none = json("{}");
        ObjectNode outliers = registry.find("detect_outliers").orElseThrow().handle(new TaskContext("detect_outliers", in, Map.of(), none));
        ObjectNode trends = registry.find("analyze_trends").orElseThrow().handle(new TaskContext("analyze_trends", in, Map.of(), none));
        ObjectNode synthesis = registry.find("synthesize").orElseThrow().handle(new TaskContext("synthesize", null,
                Map.of("detect_outliers", outliers, "analyze_trends", trends), none));
        return registry.find("verdict").orElseThrow().handle(new TaskContext("verdict", null, Map.of("synthesize", synthesis), none));
    }

    @Test
    void the_documented_example_gives_a_warning_for_the_rising_temperature() {
        // No outliers (see DetectOutliersHandlerTest), temp_1 rising at 7.97 per reading: exactly one of the two.
        ObjectNode result = runAll(WorkflowInput.parse(SamplePayloads.tiny()));

        assertThat(result.get("verdict").asText()).isEqualTo("WARNING");
        assertThat(result.get("summary").asText()).isEqualTo("Outliers: 0, Unstable sensors: 1");
        assertThat(result.get("has_critical_outliers").asBoolean()).isFalse();
        assertThat(result.get("unstable_sensors")).isEqualTo(json("[\"temp_1\"]"));
        assertThat(result.get("outliers")).isEqualTo(json("[]"));
        assertThat(result.get("trends").get(0).get("slope").asDouble()).isEqualTo(7.97);
    }

    @Test
    void the_realistic_sample_fails_on_spikes_and_drift() {
        ObjectNode result = runAll(WorkflowInput.parse(SamplePayloads.realistic(42)));

        assertThat(result.get("verdict").asText()).isEqualTo("FAIL");
        assertThat(result.get("summary").asText()).matches("Outliers: \\d+, Unstable sensors: \\d+");
        Fixtures.assertAllNumbersFinite(result);
    }

    @Test
    void an_empty_input_passes() {
        ObjectNode result = runAll(WorkflowInput.parse("{}"));

        assertThat(result.get("verdict").asText()).isEqualTo("PASS");
        assertThat(result.get("summary").asText()).isEqualTo("Outliers: 0, Unstable sensors: 0");
    }
}
