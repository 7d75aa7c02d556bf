package dev.kiln.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * A validated workflow input: sensor series, measurement series and free-form metadata.
 *
 * <p>{@link #parse(byte[])} is also how the HTTP API validates {@code POST /workflow} bodies, so it is
 * strict and names the offending field as a JSON path. Values are guaranteed finite.
 */
public final class WorkflowInput {

    private final List<Series> sensors;
    private final List<Series> measurements;
    private final JsonNode metadata;
    private JsonNode workflowType;
    private final long valueCount;

    WorkflowInput(List<Series> sensors, List<Series> measurements, JsonNode metadata) {
        this.sensors = List.copyOf(sensors);
        this.measurements = List.copyOf(measurements);
        this.metadata = metadata;
        long count = 0;
        for (Series s : this.sensors) {
            count += s.size();
        }
        for (Series s : this.measurements) {
            count += s.size();
        }
        this.valueCount = count;
    }

    /**
     * Parses and validates a UTF-8 JSON body.
     *
     * @throws InvalidInputException naming the first offending field
     */
    public static WorkflowInput parse(byte[] json) {
        return parse(json, Long.MAX_VALUE);
    }

    /** As {@link #parse(byte[])}. */
    public static WorkflowInput parse(String json) {
        return parse(json, Long.MAX_VALUE);
    }

    /**
     * As {@link #parse(byte[])}, and rejects bodies holding more than {@code maxValues} values in all
     * series together, naming the first value over the limit.
     */
    public static WorkflowInput parse(byte[] json, long maxValues) {
        Objects.requireNonNull(json, "json");
        return InputParser.parse(json, maxValues);
    }

    /**
     * As {@link #parse(byte[], long)}, reading {@code length} bytes from {@code offset}: a request
     * body is parsed where it lies instead of being copied first (14 MB for a large input).
     */
    public static WorkflowInput parse(byte[] json, int offset, int length, long maxValues) {
        Objects.checkFromIndexSize(offset, length, json.length);
        return InputParser.parse(json, offset, length, maxValues);
    }

    /**
     * What checking a body found: its optional {@code "workflow_type"} (as {@link #workflowType()}),
     * how many series of each kind and how many values in all.
     */
    public record Checked(JsonNode workflowType, int sensors, int measurements, long values) {}

    /**
     * Checks a body exactly as {@link #parse(byte[], int, int, long)} does, naming the same first
     * offending field, but keeps no values: for a caller that only stores the body (the API), so
     * that it holds no copy of the values.
     */
    public static Checked check(byte[] json, int offset, int length, long maxValues) {
        Objects.checkFromIndexSize(offset, length, json.length);
        return InputParser.check(json, offset, length, maxValues);
    }

    /** As {@link #parse(byte[], long)}. */
    public static WorkflowInput parse(String json, long maxValues) {
        Objects.requireNonNull(json, "json");
        return InputParser.parse(json.getBytes(StandardCharsets.UTF_8), maxValues);
    }

    /**
     * Builds an input directly (tests, benchmarks, engine code that already has the series), with the
     * same guarantees as {@link #parse(byte[])}: kinds match the lists, ids non-empty, values finite.
     */
    public static WorkflowInput of(List<Series> sensors, List<Series> measurements, JsonNode metadata) {
        for (int i = 0; i < sensors.size(); i++) {
            Series s = sensors.get(i);
            check(s.isSensor(), "sensor_readings[" + i + "]", "must be a sensor series");
            check(!s.sensorId().isBlank(), "sensor_readings[" + i + "].sensor_id", "must be a non-empty string");
            checkFinite(s.values(), "sensor_readings[" + i + "].values");
        }
        for (int i = 0; i < measurements.size(); i++) {
            Series s = measurements.get(i);
            check(!s.isSensor(), "measurements[" + i + "]", "must be a measurement series");
            check(!s.partId().isBlank(), "measurements[" + i + "].part_id", "must be a non-empty string");
            check(!s.dimension().isBlank(), "measurements[" + i + "].dimension", "must be a non-empty string");
            checkFinite(s.values(), "measurements[" + i + "].values");
        }
        JsonNode meta = metadata == null ? ObjectMappers.mapper().createObjectNode() : metadata;
        check(meta.isObject(), "metadata", "must be an object");
        return new WorkflowInput(sensors, measurements, meta);
    }

    private static void check(boolean ok, String field, String message) {
        if (!ok) {
            throw new InvalidInputException(field, message);
        }
    }

    private static void checkFinite(double[] values, String field) {
        for (int j = 0; j < values.length; j++) {
            check(Double.isFinite(values[j]), field + "[" + j + "]", "must be a finite number");
        }
    }

    /**
     * The body's optional top-level {@code "workflow_type"} as it was sent (any JSON value; null when
     * absent), so a caller can honour or reject it without reading the body again. Analysis ignores it.
     */
    public JsonNode workflowType() {
        return workflowType;
    }

    WorkflowInput withWorkflowType(JsonNode value) {
        this.workflowType = value;
        return this;
    }

    /** Sensor series in input order; unmodifiable. */
    public List<Series> sensors() {
        return sensors;
    }

    /** Measurement series in input order; unmodifiable. */
    public List<Series> measurements() {
        return measurements;
    }

    /** The {@code metadata} object, empty when absent; never null. Do not modify it. */
    public JsonNode metadata() {
        return metadata;
    }

    /** Number of values in all series together. */
    public long valueCount() {
        return valueCount;
    }
}
