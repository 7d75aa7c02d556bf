package dev.kiln.handlers;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The fast path of {@link InputParser}: reads the common shape of a body straight from its bytes,
 * and gives up (returns null) at the first thing it is not sure of, leaving that body to the Jackson
 * reader, which produces the errors. So it never decides what is valid or what an error says; it only
 * has to agree with Jackson on every body it does accept, which {@code FastInputReaderTest} checks by
 * comparing the two on the test suite's bodies and on randomly damaged ones.
 *
 * <p>Why it exists: reading the values of a realistic input (28,000 numbers) through Jackson's token
 * stream took about 0.8 ms, half of it token machinery per number (a JFR profile put the input read
 * at 39 % of a loaded Kiln's Java time). Here a number is scanned once, with its value accumulated as
 * it is scanned.
 *
 * <p>What it reads itself: the top-level object, the series lists and their objects, ids that are
 * plain ASCII strings without escapes, and the values. Any other value (metadata, workflow_type,
 * extra fields) is located by bracket matching and handed to Jackson as its own small parse, which
 * also checks it. It gives up on: escapes or non-ASCII in keys and ids, control characters, a
 * duplicate key, a missing required field, a wrong type, a number it cannot match Jackson's value for
 * exactly, more than {@code maxValues} values, and anything that is not JSON.
 */
final class FastInputReader {

    /** Thrown to give up; preallocated, as giving up is control flow here, not an error. */
    private static final class GiveUp extends RuntimeException {
        GiveUp() {
            super(null, null, false, false);
        }
    }

    private static final GiveUp GIVE_UP = new GiveUp();

    /** Exact powers of ten as doubles, as far as {@link #number} divides by them (10^15). */
    private static final double[] POW10 = new double[16];

    static {
        double p = 1;
        for (int k = 0; k < POW10.length; k++) {
            POW10[k] = p;
            p *= 10;
        }
    }

    /** Longer literals go to Jackson, whose stream limits (1,000 characters by default) apply to them. */
    private static final int MAX_NUMBER_LENGTH = 300;
    /** Deeper nesting goes to Jackson: its nesting limit (1,000) counts from the body's root. */
    private static final int MAX_DEPTH = 500;
    /** Longer keys go to Jackson, whose name limit is 50,000 characters. */
    private static final int MAX_KEY_LENGTH = 1_000;
    /** Longer ids go to Jackson, whose string limit (20 million characters by default) applies to them. */
    private static final int MAX_ID_LENGTH = 100_000;

    private static final double[] NOT_KEPT = new double[0];

    private final byte[] b;
    private final int end;
    private final long maxValues;
    private final boolean keepValues;
    private int i;
    private long valueCount;
    private final ValueBuffer buffer = new ValueBuffer();

    private FastInputReader(byte[] b, int offset, int length, long maxValues, boolean keepValues) {
        this.b = b;
        this.i = offset;
        this.end = offset + length;
        this.maxValues = maxValues;
        this.keepValues = keepValues;
    }

    /** The body read, or null when it is not one this reader is sure of (then Jackson must read it). */
    static InputParser.Read tryRead(byte[] json, int offset, int length, long maxValues, boolean keepValues) {
        try {
            return new FastInputReader(json, offset, length, maxValues, keepValues).body();
        } catch (GiveUp e) {
            return null;
        }
    }

    private InputParser.Read body() {
        skipWhitespace();
        expect('{');
        List<Series> sensors = List.of();
        List<Series> measurements = List.of();
        JsonNode metadata = null;
        JsonNode workflowType = null;
        Set<String> seen = new HashSet<>();
        skipWhitespace();
        if (peek() == '}') {
            i++;
        } else {
            do {
                skipWhitespace();
                String name = key();
                if (!seen.add(name)) {
                    throw GIVE_UP;
                }
                skipWhitespace();
                switch (name) {
                    case "sensor_readings" -> sensors = seriesList(true);
                    case "measurements" -> measurements = seriesList(false);
                    case "metadata" -> {
                        if (peek() != '{') {
                            throw GIVE_UP;
                        }
                        metadata = jacksonValue(true);
                    }
                    case "workflow_type" -> workflowType = jacksonValue(true);
                    default -> jacksonValue(false);
                }
                skipWhitespace();
            } while (nextOf(',', '}'));
        }
        skipWhitespace();
        if (i != end) {
            throw GIVE_UP;
        }
        if (metadata == null) {
            metadata = ObjectMappers.mapper().createObjectNode();
        }
        return new InputParser.Read(sensors, measurements, metadata, workflowType, valueCount);
    }

    private List<Series> seriesList(boolean sensor) {
        expect('[');
        List<Series> result = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            i++;
            return result;
        }
        do {
            skipWhitespace();
            result.add(series(sensor));
            skipWhitespace();
        } while (nextOf(',', ']'));
        return result;
    }

    private Series series(boolean sensor) {
        expect('{');
        String sensorId = null;
        String partId = null;
        String dimension = null;
        double[] values = null;
        Set<String> extra = null;
        skipWhitespace();
        if (peek() == '}') {
            throw GIVE_UP; // a required field is missing: Jackson names it
        }
        do {
            skipWhitespace();
            String name = key();
            skipWhitespace();
            if (name.equals("values")) {
                values = once(values, values());
            } else if (sensor && name.equals("sensor_id")) {
                sensorId = once(sensorId, id());
            } else if (!sensor && name.equals("part_id")) {
                partId = once(partId, id());
            } else if (!sensor && name.equals("dimension")) {
                dimension = once(dimension, id());
            } else {
                if (extra == null) {
                    extra = new HashSet<>();
                }
                if (!extra.add(name)) {
                    throw GIVE_UP;
                }
                jacksonValue(false);
            }
            skipWhitespace();
        } while (nextOf(',', '}'));
        if (values == null || (sensor ? sensorId == null : partId == null || dimension == null)) {
            throw GIVE_UP;
        }
        return new Series(sensorId, partId, dimension, values);
    }

    /** The value read for a key, unless the key was already there (then Jackson reports the duplicate). */
    private static <T> T once(T before, T value) {
        if (before != null) {
            throw GIVE_UP;
        }
        return value;
    }

    private double[] values() {
        expect('[');
        skipWhitespace();
        if (peek() == ']') {
            i++;
            return keepValues ? new double[0] : NOT_KEPT;
        }
        do {
            skipWhitespace();
            double v = number();
            if (++valueCount > maxValues) {
                throw GIVE_UP;
            }
            if (keepValues) {
                buffer.add(v);
            }
            skipWhitespace();
        } while (nextOf(',', ']'));
        return keepValues ? buffer.take() : NOT_KEPT;
    }

    /**
     * A JSON number as Jackson's {@code getDoubleValue} gives it. This method takes the common shape,
     * at most 15 digits with an optional fraction and no exponent, and computes its value exactly:
     * the digits as a long and a power of ten up to 10^15 are both exact doubles, so one division
     * rounds correctly, as Jackson's parser does. Anything else goes to {@link #anyNumber}. Kept small
     * so that the JIT inlines it into the values loop.
     */
    private double number() {
        final byte[] a = b;
        final int e = end;
        int j = i;
        boolean negative = false;
        if (j < e && a[j] == '-') {
            negative = true;
            j++;
        }
        int intStart = j;
        int dot = -1;
        long m = 0;
        while (j < e) {
            byte c = a[j];
            if (c >= '0' && c <= '9') {
                m = m * 10 + (c - '0');
            } else if (c == '.' && dot < 0) {
                dot = j;
            } else {
                break;
            }
            j++;
        }
        int intDigits = (dot < 0 ? j : dot) - intStart;
        int fraction = dot < 0 ? 0 : j - dot - 1;
        if (intDigits == 0 || (intDigits > 1 && a[intStart] == '0') || (dot >= 0 && fraction == 0)
                || intDigits + fraction > 15) {
            return anyNumber();
        }
        if (j < e && (a[j] == 'e' || a[j] == 'E')) {
            return anyNumber();
        }
        i = j;
        if (fraction == 0) {
            // Jackson reads an integer literal as a long and converts that: -0 becomes 0.0, not -0.0.
            return (double) (negative ? -m : m);
        }
        double v = m / POW10[fraction];
        return negative ? -v : v;
    }

    /**
     * Any other JSON number, from {@link #i}, as Jackson's {@code getDoubleValue} gives it: a literal
     * of more than 15 digits, or with an exponent. Such a value is never zero as an integer literal,
     * so {@link Double#parseDouble}, which rounds correctly, gives what Jackson gives (its long and
     * big-integer conversions round correctly too). Not a JSON number: give up.
     */
    private double anyNumber() {
        int start = i;
        if (peek() == '-') {
            i++;
        }
        int c = peek();
        if (c == '0') {
            i++;
        } else if (c >= '1' && c <= '9') {
            skipDigits();
        } else {
            throw GIVE_UP;
        }
        if (peek() == '.') {
            i++;
            requireDigits();
        }
        c = peek();
        if (c == 'e' || c == 'E') {
            i++;
            c = peek();
            if (c == '+' || c == '-') {
                i++;
            }
            requireDigits();
        }
        if (i - start > MAX_NUMBER_LENGTH) {
            throw GIVE_UP;
        }
        double v = Double.parseDouble(new String(b, start, i - start, StandardCharsets.ISO_8859_1));
        if (!Double.isFinite(v)) {
            throw GIVE_UP; // too large for a double: Jackson names the value
        }
        return v;
    }

    /** One or more digits, or give up. */
    private void requireDigits() {
        int c = peek();
        if (c < '0' || c > '9') {
            throw GIVE_UP;
        }
        skipDigits();
    }

    private void skipDigits() {
        while (i < end && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
    }

    /** A sensor, part or dimension id: a non-blank ASCII string without escapes. */
    private String id() {
        String id = string(MAX_ID_LENGTH);
        if (id.isBlank()) {
            throw GIVE_UP;
        }
        return id;
    }

    private String key() {
        String key = string(MAX_KEY_LENGTH);
        skipWhitespace();
        expect(':');
        return key;
    }

    private String string(int maxLength) {
        expect('"');
        int start = i;
        while (true) {
            if (i == end) {
                throw GIVE_UP;
            }
            byte c = b[i];
            if (c == '"') {
                break;
            }
            // Escapes, control characters and non-ASCII (a negative byte) are Jackson's to decode.
            if (c == '\\' || c < 0x20) {
                throw GIVE_UP;
            }
            i++;
        }
        if (i - start > maxLength) {
            throw GIVE_UP;
        }
        String s = new String(b, start, i - start, StandardCharsets.ISO_8859_1);
        i++;
        return s;
    }

    /**
     * Any JSON value, found by bracket matching and then read by Jackson on its own, which checks it
     * (including duplicate keys inside it). Returns the tree when {@code tree}, else null.
     */
    private JsonNode jacksonValue(boolean tree) {
        int start = i;
        skipValueExtent();
        JsonParser p = null;
        try {
            p = InputParser.FACTORY.createParser(b, start, i - start);
            p.nextToken();
            JsonNode node = null;
            if (tree) {
                node = InputParser.TREE_READER.readTree(p);
            } else {
                p.skipChildren();
            }
            if (p.nextToken() != null) {
                throw GIVE_UP;
            }
            return node;
        } catch (IOException | RuntimeException e) {
            throw GIVE_UP;
        } finally {
            InputParser.closeQuietly(p);
        }
    }

    /**
     * Moves past one value without judging it, only so Jackson can be given its bytes. Control
     * characters other than whitespace make it give up: outside strings they are not JSON, inside they
     * must be escaped, and a zero byte could make Jackson guess UTF-16 for the piece.
     */
    private void skipValueExtent() {
        int c = peek();
        if (c == '"') {
            skipString();
        } else if (c == '{' || c == '[') {
            int depth = 0;
            do {
                if (i == end) {
                    throw GIVE_UP;
                }
                byte x = b[i];
                if (x == '"') {
                    skipString();
                    continue;
                }
                if (x == '{' || x == '[') {
                    if (++depth > MAX_DEPTH) {
                        throw GIVE_UP;
                    }
                } else if (x == '}' || x == ']') {
                    depth--;
                } else if (x >= 0 && x < 0x20 && !whitespace(x)) {
                    throw GIVE_UP;
                }
                i++;
            } while (depth > 0);
        } else {
            // A number, true, false or null: everything up to the next delimiter.
            int start = i;
            while (i < end) {
                byte x = b[i];
                if (x == ',' || x == '}' || x == ']' || whitespace(x)) {
                    break;
                }
                if ((x >= 0 && x < 0x20) || x == '"' || x == '{' || x == '[') {
                    throw GIVE_UP;
                }
                i++;
            }
            if (i == start) {
                throw GIVE_UP;
            }
        }
    }

    private void skipString() {
        i++; // the opening quote
        while (true) {
            if (i == end) {
                throw GIVE_UP;
            }
            byte x = b[i++];
            if (x == '"') {
                return;
            }
            if (x >= 0 && x < 0x20) {
                throw GIVE_UP;
            }
            if (x == '\\') {
                if (i == end) {
                    throw GIVE_UP;
                }
                i++;
            }
        }
    }

    private static boolean whitespace(byte c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }

    private void skipWhitespace() {
        while (i < end) {
            if (!whitespace(b[i])) {
                return;
            }
            i++;
        }
    }

    private int peek() {
        return i < end ? b[i] : -1;
    }

    private void expect(char c) {
        if (i >= end || b[i] != c) {
            throw GIVE_UP;
        }
        i++;
    }

    /** Consumes {@code more} (true) or {@code close} (false); anything else gives up. */
    private boolean nextOf(char more, char close) {
        int c = peek();
        if (c == more) {
            i++;
            return true;
        }
        if (c == close) {
            i++;
            return false;
        }
        throw GIVE_UP;
    }
}
