package dev.kiln.handlers;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Streaming, validating reader behind {@link WorkflowInput#parse(byte[], long)}.
 *
 * <p>Values go straight from the token stream into a reused primitive buffer, then into one exactly
 * sized {@code double[]} per series: no boxing and no tree, which keeps a 15 MB body at roughly the
 * size of its values in heap.
 *
 * <p>Most bodies never reach the Jackson reader here: {@link FastInputReader} reads the usual shape
 * first, three times faster, and hands over whatever it is unsure of. This reader stays the
 * reference: it decides what is valid and words every error.
 */
final class InputParser {

    // Same number handling as the shared mapper, plus duplicate keys rejected: which of two
    // "values" arrays would win is not something a client should have to guess.
    static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .enable(StreamReadFeature.USE_FAST_BIG_NUMBER_PARSER)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    // Metadata is read into a tree mid-stream, so the mapper must not insist that the stream ends there.
    static final ObjectReader TREE_READER =
            ObjectMappers.mapper().reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final String SENSORS = "sensor_readings";
    private static final String MEASUREMENTS = "measurements";

    /** What a check-only read puts in each series: the values were checked, not kept. */
    private static final double[] NOT_KEPT = new double[0];

    private final JsonParser p;
    private final long maxValues;
    private final boolean keepValues;
    private long valueCount;
    private final ValueBuffer buffer = new ValueBuffer();

    private InputParser(JsonParser p, long maxValues, boolean keepValues) {
        this.p = p;
        this.maxValues = maxValues;
        this.keepValues = keepValues;
    }

    static WorkflowInput parse(byte[] json, long maxValues) {
        return parse(json, 0, json.length, maxValues);
    }

    static WorkflowInput parse(byte[] json, int offset, int length, long maxValues) {
        Read r = read(json, offset, length, maxValues, true);
        return new WorkflowInput(r.sensors(), r.measurements(), r.metadata()).withWorkflowType(r.workflowType());
    }

    /**
     * Everything {@link #parse} checks, with the same errors, without keeping the values. (On the
     * Jackson path it also skips converting most numbers, which Jackson does only when asked.)
     */
    static WorkflowInput.Checked check(byte[] json, int offset, int length, long maxValues) {
        Read r = read(json, offset, length, maxValues, false);
        return new WorkflowInput.Checked(r.workflowType(), r.sensors().size(), r.measurements().size(), r.values());
    }

    /** What one read of a body found (with no values in the series when they were only checked). */
    record Read(List<Series> sensors, List<Series> measurements, JsonNode metadata, JsonNode workflowType,
            long values) {}

    private static Read read(byte[] json, int offset, int length, long maxValues, boolean keepValues) {
        if (maxValues < 0) {
            throw new IllegalArgumentException("maxValues must not be negative: " + maxValues);
        }
        if (length == 0) {
            throw new InvalidInputException("$", "body is empty");
        }
        Read fast = FastInputReader.tryRead(json, offset, length, maxValues, keepValues);
        return fast != null ? fast : readWithJackson(json, offset, length, maxValues, keepValues);
    }

    /**
     * The reference reader: every body the fast path gives up on comes here, and this is where every
     * error is worded. Package-private so that tests can hold the fast path to it.
     */
    static Read readWithJackson(byte[] json, int offset, int length, long maxValues, boolean keepValues) {
        JsonParser p = null;
        try {
            p = FACTORY.createParser(json, offset, length);
            return new InputParser(p, maxValues, keepValues).readBody();
        } catch (JsonProcessingException e) {
            throw malformed(p, e);
        } catch (IOException e) {
            // Reading from a byte[] does no I/O; anything else is a bug worth surfacing loudly.
            throw new UncheckedIOException(e);
        } finally {
            closeQuietly(p);
        }
    }

    private Read readBody() throws IOException {
        JsonToken t = p.nextToken();
        if (t == null) {
            throw new InvalidInputException("$", "body is empty");
        }
        if (t != JsonToken.START_OBJECT) {
            throw new InvalidInputException("$", "must be a JSON object");
        }
        List<Series> sensors = List.of();
        List<Series> measurements = List.of();
        JsonNode metadata = null;
        JsonNode workflowType = null;
        String name;
        while ((name = p.nextFieldName()) != null) {
            switch (name) {
                case SENSORS -> sensors = readSeriesList(SENSORS, true);
                case MEASUREMENTS -> measurements = readSeriesList(MEASUREMENTS, false);
                case "metadata" -> {
                    if (p.nextToken() != JsonToken.START_OBJECT) {
                        throw new InvalidInputException("metadata", "must be an object");
                    }
                    metadata = TREE_READER.readTree(p);
                }
                case "workflow_type" -> {
                    // Not ours to judge: kept as sent for the caller (the API picks the DAG by it).
                    p.nextToken();
                    workflowType = TREE_READER.readTree(p);
                }
                default -> {
                    // Clients send other extra top-level fields; they are not ours to judge either.
                    p.nextToken();
                    p.skipChildren();
                }
            }
        }
        if (p.nextToken() != null) {
            throw new InvalidInputException("$", "unexpected content after the JSON object");
        }
        if (metadata == null) {
            metadata = ObjectMappers.mapper().createObjectNode();
        }
        return new Read(sensors, measurements, metadata, workflowType, valueCount);
    }

    private List<Series> readSeriesList(String list, boolean sensor) throws IOException {
        if (p.nextToken() != JsonToken.START_ARRAY) {
            throw new InvalidInputException(list, "must be an array");
        }
        List<Series> result = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            int index = result.size();
            if (t != JsonToken.START_OBJECT) {
                throw new InvalidInputException(list + "[" + index + "]", "must be an object");
            }
            result.add(readSeries(list, index, sensor));
        }
        return result;
    }

    private Series readSeries(String list, int index, boolean sensor) throws IOException {
        String prefix = list + "[" + index + "].";
        String sensorId = null;
        String partId = null;
        String dimension = null;
        double[] values = null;
        String name;
        while ((name = p.nextFieldName()) != null) {
            if (name.equals("values")) {
                values = readValues(prefix + "values");
            } else if (sensor && name.equals("sensor_id")) {
                sensorId = readId(prefix + name);
            } else if (!sensor && name.equals("part_id")) {
                partId = readId(prefix + name);
            } else if (!sensor && name.equals("dimension")) {
                dimension = readId(prefix + name);
            } else {
                // Extra per-series fields (units, calibration, ...) are allowed for forward compatibility.
                p.nextToken();
                p.skipChildren();
            }
        }
        if (sensor) {
            require(sensorId, prefix + "sensor_id");
        } else {
            require(partId, prefix + "part_id");
            require(dimension, prefix + "dimension");
        }
        require(values, prefix + "values");
        return new Series(sensorId, partId, dimension, values);
    }

    private static void require(Object value, String field) {
        if (value == null) {
            throw new InvalidInputException(field, "is required");
        }
    }

    private String readId(String field) throws IOException {
        if (p.nextToken() != JsonToken.VALUE_STRING) {
            throw new InvalidInputException(field, "must be a non-empty string");
        }
        String id = p.getText();
        if (id.isBlank()) {
            throw new InvalidInputException(field, "must be a non-empty string");
        }
        return id;
    }

    private double[] readValues(String field) throws IOException {
        if (p.nextToken() != JsonToken.START_ARRAY) {
            throw new InvalidInputException(field, "must be an array");
        }
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_FLOAT && t != JsonToken.VALUE_NUMBER_INT) {
                throw new InvalidInputException(field + "[" + n + "]", "must be a finite number");
            }
            // Numbers such as 1e999 are valid JSON but overflow a double. A check-only read converts
            // just the literals that could (see mayOverflow): the conversion is most of the cost.
            boolean convert = keepValues || mayOverflow();
            double v = convert ? p.getDoubleValue() : 0;
            if (convert && !Double.isFinite(v)) {
                throw new InvalidInputException(field + "[" + n + "]", "must be a finite number");
            }
            if (++valueCount > maxValues) {
                throw new InvalidInputException(field + "[" + n + "]", "more than " + maxValues + " values");
            }
            if (keepValues) {
                buffer.add(v);
            }
            n++;
        }
        return keepValues ? buffer.take() : NOT_KEPT;
    }

    /**
     * Whether the current number literal could overflow a double: only with an exponent or with
     * 300 digits or more. Any other literal is below 10^300, well inside a double's range.
     */
    private boolean mayOverflow() throws IOException {
        int length = p.getTextLength();
        if (length >= 300) {
            return true;
        }
        char[] text = p.getTextCharacters();
        int from = p.getTextOffset();
        for (int i = from; i < from + length; i++) {
            if (text[i] == 'e' || text[i] == 'E') {
                return true;
            }
        }
        return false;
    }

    private static InvalidInputException malformed(JsonParser p, JsonProcessingException e) {
        String field = p == null ? "$" : pathOf(p.getParsingContext());
        String detail = e.getOriginalMessage();
        if (detail != null && detail.startsWith("Non-standard token")) {
            // Jackson's text suggests enabling a parser feature, which means nothing to an API client.
            detail = "NaN and Infinity are not JSON numbers";
        } else if (detail != null) {
            detail = detail.replace("[Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); ", "[");
        }
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        return new InvalidInputException(field, "malformed JSON" + where + ": " + detail, e);
    }

    /** The JSON path the parser had reached, e.g. {@code sensor_readings[3].values[17]}, or {@code $}. */
    static String pathOf(JsonStreamContext ctx) {
        Deque<JsonStreamContext> chain = new ArrayDeque<>();
        for (JsonStreamContext c = ctx; c != null && !c.inRoot(); c = c.getParent()) {
            chain.push(c);
        }
        StringBuilder path = new StringBuilder();
        for (JsonStreamContext c : chain) {
            if (c.inArray()) {
                path.append('[').append(c.getCurrentIndex()).append(']');
            } else if (c.getCurrentName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(c.getCurrentName());
            }
        }
        return path.length() == 0 ? "$" : path.toString();
    }

    static void closeQuietly(JsonParser p) {
        if (p != null) {
            try {
                p.close();
            } catch (IOException ignored) {
                // Closing a parser over a byte[] releases buffers only.
            }
        }
    }
}
