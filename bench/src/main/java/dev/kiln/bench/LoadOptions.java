package dev.kiln.bench;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The load tool's command line: {@code <mode> [options]}, each option as {@code --name value} or
 * {@code --name=value}. Unset values take the defaults below; {@code --pg-url} and {@code --token}
 * fall back to {@code KILN_DATABASE_URL} and {@code KILN_API_TOKEN}.
 */
record LoadOptions(
        Mode mode,
        URI url,
        Payload payload,
        int count,
        int concurrency,
        int warmup,
        long timeoutMillis,
        long seed,
        Optional<String> pgUrl,
        Optional<Long> pid,
        Optional<String> token,
        int sample,
        long listPollMillis,
        long statusPollMillis,
        long statusProbeMillis,
        long pgSettleMillis,
        long pgIdleMillis,
        Optional<String> out) {

    enum Mode { LATENCY, THROUGHPUT }

    enum Payload { TINY, REALISTIC, LARGE }

    static final String USAGE = """
            usage: java -cp bench/target/benchmarks.jar dev.kiln.bench.LoadTool <latency|throughput> [options]
              --url URL          Kiln's base URL (default http://127.0.0.1:8080)
              --payload P        tiny | realistic | large (default tiny)
              -k N               latency: workflows measured, one at a time (default 200)
              -n N               throughput: workflows submitted (default 1000)
              -c N               throughput: concurrent clients, one connection each (default 16)
              --warmup N         workflows run one at a time before measuring, not counted
                                 (default 20; 1 for --payload large)
              --timeout T        how long a workflow may take before it counts as lost, after the last
                                 submit in throughput mode (default 120s; 500ms, 90s, 2m also accepted)
              --seed N           payload seed and result-sample seed (default 42)
              --pg-url URL       postgresql://user:pass@host:port/db of Kiln's database, to count its
                                 transactions per workflow (default: env KILN_DATABASE_URL)
              --pid PID          Kiln's process id, to sample its RSS and CPU from /proc
              --token T          bearer token when Kiln has KILN_API_TOKEN (default: env KILN_API_TOKEN)
              --sample N         completed workflows whose GET /results verdict is checked (default 20)
              --poll T           throughput: period of the completion checks after the last submit,
                                 two one-item GET /workflows?status=... reads each (default 100ms)
              --status-poll T    latency: period of GET /status polls (default 5ms)
              --status-probe T   throughput: also time a GET /status of an unfinished workflow
                                 every T while the run lasts, and report its latency (default off)
              --pg-settle T      wait before each pg_stat_database read, so that idle backends flush
                                 their counters (PostgreSQL does so within 10 s; default 11s)
              --pg-idle T        before the warm-up, measure Kiln's idle transactions/s for T and report
                                 transactions/workflow net of them (default 0 = off; Kiln should have
                                 been idle for 10 s before)
              --out FILE         also append the JSON line to FILE
            """;

    static LoadOptions parse(String[] args, Map<String, String> env) {
        Mode mode = null;
        URI url = URI.create("http://127.0.0.1:8080");
        Payload payload = Payload.TINY;
        Integer count = null;
        int concurrency = 16;
        Integer warmup = null;
        long timeout = 120_000;
        long seed = 42;
        String pgUrl = blankToNull(env.get("KILN_DATABASE_URL"));
        Long pid = null;
        String token = blankToNull(env.get("KILN_API_TOKEN"));
        int sample = 20;
        long listPoll = 100;
        long statusPoll = 5;
        long statusProbe = 0;
        long pgSettle = 11_000;
        long pgIdle = 0;
        String out = null;
        Integer k = null;
        Integer n = null;

        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("-")) {
                if (mode != null) {
                    throw new IllegalArgumentException("unexpected argument \"" + arg + "\"");
                }
                mode = switch (arg.toLowerCase(Locale.ROOT)) {
                    case "latency" -> Mode.LATENCY;
                    case "throughput" -> Mode.THROUGHPUT;
                    default -> throw new IllegalArgumentException("unknown mode \"" + arg + "\"; modes are latency, throughput");
                };
                continue;
            }
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            if (name.equals("-h") || name.equals("--help")) {
                throw new HelpRequested();
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                value = args[++i];
            }
            switch (name) {
                case "--url" -> url = parseUrl(value);
                case "--payload" -> payload = switch (value.toLowerCase(Locale.ROOT)) {
                    case "tiny" -> Payload.TINY;
                    case "realistic" -> Payload.REALISTIC;
                    case "large" -> Payload.LARGE;
                    default -> throw new IllegalArgumentException("--payload must be tiny, realistic or large, got \"" + value + "\"");
                };
                case "-n", "--n" -> n = positiveInt(name, value, 1);
                case "-k", "--k" -> k = positiveInt(name, value, 1);
                case "-c", "--c", "--concurrency" -> concurrency = positiveInt(name, value, 1);
                case "--warmup" -> warmup = positiveInt(name, value, 0);
                case "--timeout" -> timeout = parseDuration(name, value);
                case "--seed" -> seed = parseLong(name, value);
                case "--pg-url" -> pgUrl = blankToNull(value);
                case "--pid" -> pid = (long) positiveInt(name, value, 1);
                case "--token" -> token = blankToNull(value);
                case "--sample" -> sample = positiveInt(name, value, 0);
                case "--poll" -> listPoll = parseDuration(name, value);
                case "--status-poll" -> statusPoll = parseDuration(name, value);
                case "--status-probe" -> statusProbe = parseDuration(name, value);
                case "--pg-settle" -> pgSettle = parseDuration(name, value);
                case "--pg-idle" -> pgIdle = parseDuration(name, value);
                case "--out" -> out = value;
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        if (mode == null) {
            throw new IllegalArgumentException("missing mode: latency or throughput");
        }
        if (mode == Mode.LATENCY && n != null) {
            throw new IllegalArgumentException("-n is for throughput mode; latency mode takes -k");
        }
        if (mode == Mode.THROUGHPUT && k != null) {
            throw new IllegalArgumentException("-k is for latency mode; throughput mode takes -n");
        }
        if (timeout <= 0 || listPoll <= 0 || statusPoll <= 0) {
            throw new IllegalArgumentException("--timeout, --poll and --status-poll must be positive");
        }
        count = mode == Mode.LATENCY ? (k == null ? 200 : k) : (n == null ? 1000 : n);
        if (mode == Mode.LATENCY) {
            concurrency = 1;
        }
        if (warmup == null) {
            warmup = payload == Payload.LARGE ? 1 : 20;
        }
        return new LoadOptions(mode, url, payload, count, concurrency, warmup, timeout, seed,
                Optional.ofNullable(pgUrl), Optional.ofNullable(pid), Optional.ofNullable(token), sample,
                listPoll, statusPoll, statusProbe, pgSettle, pgIdle, Optional.ofNullable(out));
    }

    /** Thrown for {@code -h} / {@code --help}. */
    static final class HelpRequested extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HelpRequested() {
            super("help", null, false, false);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static URI parseUrl(String value) {
        URI uri;
        try {
            uri = URI.create(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--url is not a URL: " + value);
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("--url must be http(s)://host[:port], got " + value);
        }
        return uri;
    }

    private static int positiveInt(String name, String value, int min) {
        long v = parseLong(name, value);
        if (v < min || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be a whole number >= " + min + ", got \"" + value + "\"");
        }
        return (int) v;
    }

    private static long parseLong(String name, String value) {
        try {
            return Long.parseLong(value.strip().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got \"" + value + "\"");
        }
    }

    /** {@code 120} (seconds), {@code 120s}, {@code 500ms} or {@code 2m}, in milliseconds. */
    static long parseDuration(String name, String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        long factor = 1000;
        if (v.endsWith("ms")) {
            factor = 1;
            v = v.substring(0, v.length() - 2);
        } else if (v.endsWith("s")) {
            v = v.substring(0, v.length() - 1);
        } else if (v.endsWith("m")) {
            factor = 60_000;
            v = v.substring(0, v.length() - 1);
        }
        try {
            long n = Long.parseLong(v.strip());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(n, factor);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(name + " must be a duration like 120, 120s, 500ms or 2m, got \"" + value + "\"");
        }
    }

    /** The {@code count} option under its mode's name. */
    String countName() {
        return mode == Mode.LATENCY ? "k" : "n";
    }
}
