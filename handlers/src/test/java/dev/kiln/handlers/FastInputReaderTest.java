package dev.kiln.handlers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fast path may give up on any body, but whatever it accepts it must read exactly as the Jackson
 * reader does (values compared bit for bit, so 0.0 and -0.0 differ), and it must give up on every
 * body Jackson rejects, since errors are worded only there.
 */
class FastInputReaderTest {

    /** Small valid bodies that between them use every construct of the format. */
    private static final List<String> SEEDS = List.of(
            "{}",
            " {\"sensor_readings\": [], \"measurements\": []} ",
            "{\"sensor_readings\": [{\"sensor_id\": \"temp_1\", \"values\": [20.1, 20.3, -0.0, 0, -0, 1e3, 7]}],"
                    + " \"measurements\": [{\"part_id\": \"P1\", \"dimension\": \"width\", \"values\": [10.02, 9.98]}]}",
            "{\"workflow_type\": \"manufacturing_analysis\", \"metadata\": {\"line\": \"L2\", \"n\": [1, {\"x\": null}]},"
                    + "\n\t\"sensor_readings\": [{\"values\": [0.001, 12345.678], \"unit\": \"C\", \"sensor_id\": \"s\"}]}",
            "{\"extra\": {\"deep\": [1, {\"x\": \"a\\\"b\"}]}, \"sensor_readings\": [{\"sensor_id\": \"t\", \"values\": [1],"
                    + " \"tags\": [\"a\"], \"part_id\": 5}], \"workflow_type\": 5}",
            "{\"measurements\": [{\"dimension\": \"h\", \"part_id\": \"p\", \"values\": [], \"dimension_unit\": \"mm\"},"
                    + " {\"part_id\": \"q\", \"dimension\": \"w\", \"values\": [123456789012345, 0.123456789012345, 1.5E-300]}]}",
            "{\"sensor_readings\":[{\"sensor_id\":\"température\",\"values\":[1]}],\"metadata\":{\"k\":\"\\u00e9\"}}");

    @Test
    void reads_the_seeds_and_the_realistic_sample_itself_exactly_as_jackson_does() {
        List<String> bodies = new ArrayList<>(SEEDS);
        bodies.add(SamplePayloads.realistic(42));
        bodies.add(SamplePayloads.tiny());
        for (String body : bodies) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            for (boolean keep : new boolean[] {true, false}) {
                InputParser.Read fast = FastInputReader.tryRead(bytes, 0, bytes.length, Long.MAX_VALUE, keep);
                InputParser.Read jackson = InputParser.readWithJackson(bytes, 0, bytes.length, Long.MAX_VALUE, keep);
                if (body.contains("température")) {
                    assertThat(fast).as("non-ASCII ids are left to Jackson").isNull();
                } else {
                    assertThat(fast).as(body).isEqualTo(jackson);
                }
            }
        }
    }

    static Stream<Arguments> malformed() {
        return WorkflowInputTest.malformed();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void gives_up_on_every_malformed_body_so_that_jackson_words_the_error(String description, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        assertThat(FastInputReader.tryRead(bytes, 0, bytes.length, Long.MAX_VALUE, true)).as(description).isNull();
        assertThat(FastInputReader.tryRead(bytes, 0, bytes.length, Long.MAX_VALUE, false)).as(description).isNull();
    }

    @Test
    void gives_up_beyond_max_values_and_reads_up_to_it() {
        byte[] bytes = "{\"sensor_readings\": [{\"sensor_id\": \"s\", \"values\": [1, 2, 3]}]}".getBytes(StandardCharsets.UTF_8);
        assertThat(FastInputReader.tryRead(bytes, 0, bytes.length, 3, true)).isNotNull();
        assertThat(FastInputReader.tryRead(bytes, 0, bytes.length, 2, true)).isNull();
    }

    @Test
    void leaves_long_ids_and_keys_to_jackson_whose_length_limits_apply_to_them() {
        for (String body : List.of(
                "{\"sensor_readings\": [{\"sensor_id\": \"" + "x".repeat(100_001) + "\", \"values\": [1]}]}",
                "{\"" + "k".repeat(1_001) + "\": 1}")) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            assertThat(FastInputReader.tryRead(bytes, 0, bytes.length, Long.MAX_VALUE, true)).isNull();
            assertThat(WorkflowInput.parse(bytes)).as("still read, by Jackson").isNotNull();
        }
        byte[] tooLong = ("{\"sensor_readings\": [{\"sensor_id\": \"" + "x".repeat(20_000_001) + "\", \"values\": [1]}]}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(FastInputReader.tryRead(tooLong, 0, tooLong.length, Long.MAX_VALUE, true)).isNull();
        assertThat(catchThrowable(() -> WorkflowInput.parse(tooLong))).as("Jackson's limit, not a fast-path acceptance")
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void reads_a_body_where_it_lies_in_a_larger_array() {
        byte[] body = SEEDS.get(2).getBytes(StandardCharsets.UTF_8);
        byte[] padded = new byte[body.length + 10];
        padded[0] = 'x';
        System.arraycopy(body, 0, padded, 3, body.length);
        padded[3 + body.length] = '}'; // beyond the range: must not be read
        assertThat(FastInputReader.tryRead(padded, 3, body.length, Long.MAX_VALUE, true))
                .isEqualTo(InputParser.readWithJackson(body, 0, body.length, Long.MAX_VALUE, true));
    }

    /**
     * Every valid number literal is taken by the fast path (unless it overflows) with Jackson's value
     * to the bit: short decimals, integers as longs, long mantissas, leading-zero fractions, exponents.
     */
    @Test
    void reads_any_number_literal_as_jackson_does() {
        Random rnd = new Random(7);
        int exactPath = 0;
        for (int round = 0; round < 2_000; round++) {
            List<String> literals = new ArrayList<>();
            for (int k = 0; k < 20; k++) {
                literals.add(literal(rnd));
            }
            String body = "{\"sensor_readings\": [{\"sensor_id\": \"s\", \"values\": [" + String.join(", ", literals) + "]}]}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            InputParser.Read jackson;
            try {
                jackson = InputParser.readWithJackson(bytes, 0, bytes.length, Long.MAX_VALUE, true);
            } catch (InvalidInputException overflow) {
                assertThat(overflow.getMessage()).contains("must be a finite number");
                assertThat(FastInputReader.tryRead(bytes, 0, bytes.length, Long.MAX_VALUE, true)).isNull();
                continue;
            }
            InputParser.Read fast = FastInputReader.tryRead(bytes, 0, bytes.length, Long.MAX_VALUE, true);
            assertThat(fast).as(body).isEqualTo(jackson);
            exactPath++;
        }
        assertThat(exactPath).as("rounds without an overflowing literal").isGreaterThan(1_000);
    }

    private static String literal(Random rnd) {
        StringBuilder s = new StringBuilder();
        if (rnd.nextBoolean()) {
            s.append('-');
        }
        int intDigits = rnd.nextInt(4) == 0 ? 0 : 1 + rnd.nextInt(rnd.nextBoolean() ? 6 : 25);
        if (intDigits == 0) {
            s.append('0');
        } else {
            s.append((char) ('1' + rnd.nextInt(9)));
            for (int d = 1; d < intDigits; d++) {
                s.append((char) ('0' + rnd.nextInt(10)));
            }
        }
        if (rnd.nextInt(3) != 0) {
            s.append('.');
            int zeros = rnd.nextInt(5) == 0 ? rnd.nextInt(20) : 0;
            s.append("0".repeat(zeros));
            int fraction = 1 + rnd.nextInt(rnd.nextBoolean() ? 4 : 22);
            for (int d = 0; d < fraction; d++) {
                s.append((char) ('0' + rnd.nextInt(10)));
            }
        }
        if (rnd.nextInt(5) == 0) {
            s.append(rnd.nextBoolean() ? 'e' : 'E');
            int sign = rnd.nextInt(3);
            s.append(sign == 0 ? "" : sign == 1 ? "+" : "-");
            s.append(rnd.nextInt(rnd.nextBoolean() ? 30 : 400));
        }
        return s.toString();
    }

    /**
     * Randomly damaged bodies: whatever the fast path still accepts, Jackson must accept and read the
     * same. The counts show the test reached both sides (accepted and given up).
     */
    @Test
    void never_accepts_a_damaged_body_that_jackson_rejects_or_reads_differently() {
        Random rnd = new Random(11);
        byte[] alphabet = "{}[]\",:-.0123456789eE+ \n\t\\aefilnrstuxAZ_".getBytes(StandardCharsets.US_ASCII);
        byte[] odd = {0, 0x1f, (byte) 0xC3, (byte) 0xA9, (byte) 0xFF, 0x7f};
        int accepted = 0;
        int givenUp = 0;
        int rejectedByJackson = 0;
        for (int round = 0; round < 40_000; round++) {
            byte[] body = SEEDS.get(rnd.nextInt(SEEDS.size())).getBytes(StandardCharsets.UTF_8);
            int mutations = 1 + rnd.nextInt(3);
            for (int m = 0; m < mutations; m++) {
                body = mutate(body, rnd, rnd.nextInt(20) == 0 ? odd : alphabet);
            }
            boolean keep = rnd.nextBoolean();
            long maxValues = rnd.nextInt(10) == 0 ? rnd.nextInt(5) : Long.MAX_VALUE;
            InputParser.Read fast = FastInputReader.tryRead(body, 0, body.length, maxValues, keep);
            InputParser.Read jackson = null;
            RuntimeException rejected = null;
            try {
                jackson = InputParser.readWithJackson(body, 0, body.length, maxValues, keep);
            } catch (InvalidInputException e) {
                rejected = e;
                rejectedByJackson++;
            }
            String shown = new String(body, StandardCharsets.UTF_8);
            if (fast != null) {
                accepted++;
                if (rejected != null) {
                    fail("fast path accepted a body Jackson rejects (" + rejected.getMessage() + "): " + shown);
                }
                assertThat(fast).as(shown).isEqualTo(jackson);
            } else {
                givenUp++;
            }
        }
        assertThat(accepted).as("damaged bodies the fast path still read").isGreaterThan(2_000);
        assertThat(givenUp).as("damaged bodies it gave up on").isGreaterThan(2_000);
        assertThat(rejectedByJackson).as("damaged bodies Jackson rejected").isGreaterThan(2_000);
    }

    private static byte[] mutate(byte[] body, Random rnd, byte[] alphabet) {
        int at = rnd.nextInt(body.length + 1);
        byte c = alphabet[rnd.nextInt(alphabet.length)];
        return switch (rnd.nextInt(5)) {
            case 0 -> splice(body, at, Math.min(body.length, at + 1), new byte[0]); // delete
            case 1 -> splice(body, at, at, new byte[] {c}); // insert
            case 2 -> splice(body, at, Math.min(body.length, at + 1), new byte[] {c}); // replace
            case 3 -> { // repeat a piece, which makes duplicate keys and series
                int from = rnd.nextInt(body.length + 1);
                int to = Math.min(body.length, from + rnd.nextInt(30));
                byte[] piece = java.util.Arrays.copyOfRange(body, from, to);
                yield splice(body, at, at, piece);
            }
            default -> java.util.Arrays.copyOf(body, at); // truncate
        };
    }

    private static byte[] splice(byte[] body, int from, int to, byte[] insert) {
        byte[] out = new byte[body.length - (to - from) + insert.length];
        System.arraycopy(body, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(body, to, out, from + insert.length, body.length - to);
        return out;
    }
}
