package dev.kiln.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WorkflowInputTest {

    private static String sensor(String values) {
        return "{\"sensor_readings\": [{\"sensor_id\": \"s\", \"values\": " + values + "}]}";
    }

    @Test
    void parses_the_documented_example() {
        WorkflowInput in = WorkflowInput.parse(SamplePayloads.tiny());

        assertThat(in.sensors()).containsExactly(Series.sensor("temp_1", 72.1, 73.4, 71.8, 99.2));
        assertThat(in.measurements()).containsExactly(Series.measurement("A100", "width", 10.01, 10.02, 9.98));
        assertThat(in.metadata().isObject()).isTrue();
        assertThat(in.metadata().size()).isZero();
        assertThat(in.valueCount()).isEqualTo(7);
    }

    @Test
    void bytes_and_string_give_the_same_input() {
        String text = SamplePayloads.realistic(3);
        WorkflowInput fromBytes = WorkflowInput.parse(text.getBytes(StandardCharsets.UTF_8));
        WorkflowInput fromString = WorkflowInput.parse(text);

        assertThat(fromBytes.sensors()).isEqualTo(fromString.sensors());
        assertThat(fromBytes.measurements()).isEqualTo(fromString.measurements());
        assertThat(fromBytes.metadata()).isEqualTo(fromString.metadata());
        assertThat(fromBytes.sensors()).hasSize(50);
        assertThat(fromBytes.measurements()).hasSize(60);
        assertThat(fromBytes.valueCount()).isEqualTo(50 * 500 + 60 * 50);
    }

    @Test
    void an_empty_object_is_an_input_without_series() {
        WorkflowInput in = WorkflowInput.parse(" {} \n");

        assertThat(in.sensors()).isEmpty();
        assertThat(in.measurements()).isEmpty();
        assertThat(in.metadata().isObject()).isTrue();
        assertThat(in.valueCount()).isZero();
    }

    @Test
    void empty_lists_and_empty_series_are_accepted() {
        WorkflowInput in = WorkflowInput.parse("{\"sensor_readings\": [], \"measurements\": [{\"part_id\": \"p\", \"dimension\": \"d\", \"values\": []}]}");

        assertThat(in.sensors()).isEmpty();
        assertThat(in.measurements()).containsExactly(Series.measurement("p", "d"));
    }

    @Test
    void unknown_fields_are_ignored_at_the_top_and_in_series() {
        WorkflowInput in = WorkflowInput.parse("{\"workflow_type\": \"quality_check\", \"extra\": {\"deep\": [1, {\"x\": null}]},"
                + " \"sensor_readings\": [{\"unit\": \"C\", \"sensor_id\": \"t\", \"values\": [1], \"tags\": [\"a\"]}]}");

        assertThat(in.sensors()).containsExactly(Series.sensor("t", 1));
        assertThat(in.workflowType().textValue()).as("kept as sent, for the caller").isEqualTo("quality_check");
    }

    @Test
    void the_top_level_workflow_type_is_kept_whatever_its_json_type_and_absent_is_null() {
        assertThat(WorkflowInput.parse("{\"workflow_type\": 5}").workflowType().isNumber()).isTrue();
        assertThat(WorkflowInput.parse("{\"workflow_type\": null}").workflowType().isNull()).isTrue();
        assertThat(WorkflowInput.parse("{\"metadata\": {\"workflow_type\": \"nested\"}}").workflowType()).isNull();
    }

    @Test
    void integers_exponents_negatives_and_unicode_ids_are_accepted() {
        WorkflowInput in = WorkflowInput.parse("{\"sensor_readings\": [{\"values\": [0, -3, 1.5e2, -2.5E-3, 12345678901234567890],"
                + " \"sensor_id\": \"température_1\"}]}");

        assertThat(in.sensors().get(0).sensorId()).isEqualTo("température_1");
        assertThat(in.sensors().get(0).values()).containsExactly(0, -3, 150, -0.0025, 1.2345678901234567e19);
    }

    @Test
    void metadata_is_kept_as_a_tree() {
        WorkflowInput in = WorkflowInput.parse("{\"metadata\": {\"line\": \"L2\", \"nested\": {\"a\": [1, 2]}}, \"sensor_readings\": []}");

        assertThat(in.metadata()).isEqualTo(Fixtures.json("{\"line\": \"L2\", \"nested\": {\"a\": [1, 2]}}"));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("empty body", "", "$", "body is empty"),
                Arguments.of("whitespace body", "  \n\t", "$", "body is empty"),
                Arguments.of("top-level array", "[]", "$", "must be a JSON object"),
                Arguments.of("top-level number", "42", "$", "must be a JSON object"),
                Arguments.of("top-level null", "null", "$", "must be a JSON object"),
                Arguments.of("two objects", "{} {}", "$", "unexpected content after the JSON object"),
                Arguments.of("garbage after object", "{} x", "$", "malformed JSON"),
                Arguments.of("sensor_readings an object", "{\"sensor_readings\": {}}", "sensor_readings", "must be an array"),
                Arguments.of("sensor_readings null", "{\"sensor_readings\": null}", "sensor_readings", "must be an array"),
                Arguments.of("measurements not an array", "{\"measurements\": \"x\"}", "measurements", "must be an array"),
                Arguments.of("sensor entry a number", "{\"sensor_readings\": [42]}", "sensor_readings[0]", "must be an object"),
                Arguments.of("missing sensor_id", "{\"sensor_readings\": [{\"values\": [1]}]}", "sensor_readings[0].sensor_id", "is required"),
                Arguments.of("sensor_id a number", "{\"sensor_readings\": [{\"sensor_id\": 7, \"values\": [1]}]}", "sensor_readings[0].sensor_id", "must be a non-empty string"),
                Arguments.of("sensor_id empty", "{\"sensor_readings\": [{\"sensor_id\": \"\", \"values\": [1]}]}", "sensor_readings[0].sensor_id", "must be a non-empty string"),
                Arguments.of("sensor_id blank", "{\"sensor_readings\": [{\"sensor_id\": \"  \", \"values\": [1]}]}", "sensor_readings[0].sensor_id", "must be a non-empty string"),
                Arguments.of("sensor_id null", "{\"sensor_readings\": [{\"sensor_id\": null, \"values\": [1]}]}", "sensor_readings[0].sensor_id", "must be a non-empty string"),
                Arguments.of("missing values", "{\"sensor_readings\": [{\"sensor_id\": \"a\"}]}", "sensor_readings[0].values", "is required"),
                Arguments.of("values a string", sensor("\"1,2\""), "sensor_readings[0].values", "must be an array"),
                Arguments.of("values null", sensor("null"), "sensor_readings[0].values", "must be an array"),
                Arguments.of("value a string", sensor("[1, \"2\"]"), "sensor_readings[0].values[1]", "must be a finite number"),
                Arguments.of("value null", sensor("[1, 2, null]"), "sensor_readings[0].values[2]", "must be a finite number"),
                Arguments.of("value a boolean", sensor("[true]"), "sensor_readings[0].values[0]", "must be a finite number"),
                Arguments.of("nested array", sensor("[1, [2]]"), "sensor_readings[0].values[1]", "must be a finite number"),
                Arguments.of("value an object", sensor("[1, {\"v\": 2}]"), "sensor_readings[0].values[1]", "must be a finite number"),
                Arguments.of("NaN literal", sensor("[1, 2, NaN]"), "sensor_readings[0].values[2]", "NaN and Infinity are not JSON numbers"),
                Arguments.of("Infinity literal", sensor("[Infinity]"), "sensor_readings[0].values[0]", "NaN and Infinity are not JSON numbers"),
                Arguments.of("-Infinity literal", sensor("[1, -Infinity]"), "sensor_readings[0].values[1]", "NaN and Infinity are not JSON numbers"),
                Arguments.of("number overflowing a double", sensor("[1, 1e999]"), "sensor_readings[0].values[1]", "must be a finite number"),
                Arguments.of("negative overflow, capital E", sensor("[1, -2E308]"), "sensor_readings[0].values[1]", "must be a finite number"),
                Arguments.of("400-digit integer", sensor("[" + "9".repeat(400) + "]"), "sensor_readings[0].values[0]", "must be a finite number"),
                Arguments.of("400-digit decimal", sensor("[" + "9".repeat(399) + ".5]"), "sensor_readings[0].values[0]", "must be a finite number"),
                Arguments.of("leading zero", sensor("[01]"), "sensor_readings[0].values[0]", "Leading zeroes not allowed"),
                Arguments.of("trailing comma in values", sensor("[1, 2,]"), "sensor_readings[0].values[2]", "malformed JSON"),
                Arguments.of("truncated inside values", "{\"sensor_readings\": [{\"sensor_id\": \"a\", \"values\": [1, 2", "sensor_readings[0].values[1]", "end-of-input"),
                Arguments.of("truncated after a list", "{\"sensor_readings\": []", "sensor_readings", "end-of-input"),
                Arguments.of("error in the second sensor", "{\"sensor_readings\": [{\"sensor_id\": \"a\", \"values\": [1]},"
                        + " {\"sensor_id\": \"b\", \"values\": [1, 2, \"x\"]}]}", "sensor_readings[1].values[2]", "must be a finite number"),
                Arguments.of("duplicate values key", "{\"sensor_readings\": [{\"sensor_id\": \"a\", \"values\": [1], \"values\": [2]}]}",
                        "sensor_readings[0].values", "Duplicate field 'values'"),
                Arguments.of("missing part_id", "{\"measurements\": [{\"dimension\": \"w\", \"values\": [1]}]}", "measurements[0].part_id", "is required"),
                Arguments.of("missing dimension", "{\"measurements\": [{\"part_id\": \"p\", \"values\": [1]}]}", "measurements[0].dimension", "is required"),
                Arguments.of("dimension a number", "{\"measurements\": [{\"part_id\": \"p\", \"dimension\": 3, \"values\": [1]}]}", "measurements[0].dimension", "must be a non-empty string"),
                Arguments.of("measurement value a string", "{\"measurements\": [{\"part_id\": \"p\", \"dimension\": \"w\", \"values\": [1]},"
                        + " {\"part_id\": \"p\", \"dimension\": \"h\", \"values\": [\"9\"]}]}", "measurements[1].values[0]", "must be a finite number"),
                Arguments.of("metadata an array", "{\"metadata\": []}", "metadata", "must be an object"),
                Arguments.of("metadata null", "{\"metadata\": null}", "metadata", "must be an object"),
                Arguments.of("malformed metadata", "{\"metadata\": {\"a\": [1, }}", "metadata.a[1]", "malformed JSON"),
                Arguments.of("single quotes", "{'sensor_readings': []}", "$", "malformed JSON"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformed_input_is_rejected_naming_the_field(String description, String body, String field, String message) {
        InvalidInputException e = catchThrowableOfType(InvalidInputException.class, () -> WorkflowInput.parse(body));

        assertThat(e).as(description).isNotNull();
        assertThat(e.field()).as(description).isEqualTo(field);
        assertThat(e.getMessage()).as(description).contains(message);

        // Checking without keeping the values finds the same first problem, worded the same.
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        InvalidInputException checked = catchThrowableOfType(InvalidInputException.class,
                () -> WorkflowInput.check(bytes, 0, bytes.length, Long.MAX_VALUE));
        assertThat(checked).as(description + " (check)").isNotNull();
        assertThat(checked.field()).as(description + " (check)").isEqualTo(e.field());
        assertThat(checked.getMessage()).as(description + " (check)").isEqualTo(e.getMessage());
    }

    @Test
    void check_reports_what_parse_finds_without_keeping_values() {
        for (String body : List.of(SamplePayloads.tiny(), SamplePayloads.realistic(4),
                "{\"workflow_type\": \"quality_check\", \"sensor_readings\": [{\"sensor_id\": \"s\","
                        + " \"values\": [1.5e2, -2.5E-3, 1.7e308, " + "9".repeat(299) + ", 0]}]}")) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            WorkflowInput parsed = WorkflowInput.parse(bytes);
            WorkflowInput.Checked checked = WorkflowInput.check(bytes, 0, bytes.length, Long.MAX_VALUE);
            assertThat(checked.values()).isEqualTo(parsed.valueCount());
            assertThat(checked.sensors()).isEqualTo(parsed.sensors().size());
            assertThat(checked.measurements()).isEqualTo(parsed.measurements().size());
            assertThat(checked.workflowType()).isEqualTo(parsed.workflowType());
        }
        byte[] typeOnly = "{\"workflow_type\": \"q\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(WorkflowInput.check(typeOnly, 0, typeOnly.length, 0).workflowType().textValue()).isEqualTo("q");
    }

    @Test
    void check_enforces_max_values_like_parse() {
        byte[] tiny = SamplePayloads.tiny().getBytes(StandardCharsets.UTF_8);
        assertThat(WorkflowInput.check(tiny, 0, tiny.length, 7).values()).isEqualTo(7);
        assertThatThrownBy(() -> WorkflowInput.check(tiny, 0, tiny.length, 6))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.field()).isEqualTo("measurements[0].values[2]");
                    assertThat(e.getMessage()).isEqualTo("more than 6 values");
                });
    }

    @Test
    void malformed_json_reports_line_and_column() {
        InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
                () -> WorkflowInput.parse("{\"sensor_readings\": [\n  {\"sensor_id\": \"a\", \"values\": [1 2]}]}"));

        assertThat(e.getMessage()).startsWith("malformed JSON (line 2, column 35)");
        assertThat(e.toString()).contains("sensor_readings[0].values[1]");
    }

    @Test
    void parse_accepts_exactly_max_values() {
        assertThat(WorkflowInput.parse(SamplePayloads.tiny().getBytes(StandardCharsets.UTF_8), 7).valueCount()).isEqualTo(7);
    }

    @Test
    void parse_rejects_more_than_max_values_naming_the_first_value_over() {
        assertThatThrownBy(() -> WorkflowInput.parse(SamplePayloads.tiny(), 6))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.field()).isEqualTo("measurements[0].values[2]");
                    assertThat(e.getMessage()).isEqualTo("more than 6 values");
                });
        assertThatThrownBy(() -> WorkflowInput.parse(SamplePayloads.tiny(), 0))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.field()).isEqualTo("sensor_readings[0].values[0]"));
    }

    @Test
    void a_negative_max_values_is_a_programming_error() {
        assertThatThrownBy(() -> WorkflowInput.parse("{}", -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void of_checks_what_parse_checks() {
        assertThatThrownBy(() -> WorkflowInput.of(List.of(Series.sensor("a", 1, Double.NaN)), List.of(), null))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.field()).isEqualTo("sensor_readings[0].values[1]"));
        assertThatThrownBy(() -> WorkflowInput.of(List.of(), List.of(Series.sensor("a", 1)), null))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("measurements[0]"));
        assertThatThrownBy(() -> WorkflowInput.of(List.of(Series.sensor(" ", 1)), List.of(), null))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.field()).isEqualTo("sensor_readings[0].sensor_id"));
    }

    @Test
    void the_large_sample_parses_to_two_million_values() {
        WorkflowInput in = WorkflowInput.parse(SamplePayloads.large(7).getBytes(StandardCharsets.UTF_8));

        assertThat(in.sensors()).hasSize(200).allSatisfy(s -> assertThat(s.size()).isEqualTo(10_000));
        assertThat(in.valueCount()).isEqualTo(2_000_000);
    }

    @Test
    void a_body_is_parsed_where_it_lies_in_a_larger_array() {
        byte[] json = SamplePayloads.tiny().getBytes(StandardCharsets.UTF_8);
        byte[] around = new byte[json.length + 20];
        java.util.Arrays.fill(around, (byte) '#'); // not JSON: read past the slice and it fails
        System.arraycopy(json, 0, around, 7, json.length);
        WorkflowInput sliced = WorkflowInput.parse(around, 7, json.length, Long.MAX_VALUE);
        WorkflowInput whole = WorkflowInput.parse(json);
        assertThat(sliced.sensors()).isEqualTo(whole.sensors());
        assertThat(sliced.measurements()).isEqualTo(whole.measurements());
        assertThat(sliced.metadata()).isEqualTo(whole.metadata());

        byte[] bad = "xx{\"sensor_readings\": [{\"sensor_id\": \"s\", \"values\": [1, true]}]}yy"
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> WorkflowInput.parse(bad, 2, bad.length - 4, Long.MAX_VALUE))
                .isInstanceOf(InvalidInputException.class)
                .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("sensor_readings[0].values[1]");
        assertThatThrownBy(() -> WorkflowInput.parse(json, 5, json.length, Long.MAX_VALUE))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }
}
