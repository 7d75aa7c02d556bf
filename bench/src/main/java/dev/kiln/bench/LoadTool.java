package dev.kiln.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.bench.LoadOptions.Mode;
import dev.kiln.handlers.SamplePayloads;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.LongStream;

/**
 * End-to-end load tool for a running Kiln, through its public HTTP API only.
 *
 * <ul>
 *   <li>{@code latency}: K workflows one at a time; each is timed from sending {@code POST /workflow}
 *       to the first {@code GET /status/{id}} (polled every 5 ms) that says completed.
 *   <li>{@code throughput}: N workflows submitted by C client threads (one connection each);
 *       completion is observed by paging {@code GET /workflows} over the range of ids still
 *       outstanding, not by polling each workflow.
 * </ul>
 *
 * Optionally counts PostgreSQL transactions per workflow ({@code --pg-url}) and samples Kiln's RSS and
 * CPU ({@code --pid}). Prints a short summary and one JSON line; exits 1 when any submit failed, any
 * workflow failed or was lost, or a checked verdict was invalid, 2 on bad usage or an unreachable Kiln.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar dev.kiln.bench.LoadTool throughput -n 5000 -c 32}
 */
public final class LoadTool {

    private static final Set<String> TERMINAL = Set.of("completed", "failed", "cancelled");
    private static final Set<String> VERDICTS = Set.of("PASS", "WARNING", "FAIL");
    private static final int PAGE = 500;
    private static final int MAX_NOTES = 5;

    private final LoadOptions o;
    private final List<byte[]> payloads = new ArrayList<>();
    private final ConcurrentLinkedQueue<String> notes = new ConcurrentLinkedQueue<>();
    private final AtomicInteger noteCount = new AtomicInteger();
    private KilnHttp http;

    private LoadTool(LoadOptions options) {
        this.o = options;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv()));
    }

    /** Runs the tool as its command line does; returns the exit code (0 fine, 1 problems in the run, 2 unusable). */
    static int run(String[] args, Map<String, String> env) {
        LoadOptions options;
        try {
            options = LoadOptions.parse(args, env);
        } catch (LoadOptions.HelpRequested e) {
            System.out.print(LoadOptions.USAGE);
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println("kiln-bench: " + e.getMessage());
            System.err.print(LoadOptions.USAGE);
            return 2;
        }
        try {
            return new LoadTool(options).run();
        } catch (Fatal e) {
            System.err.println("kiln-bench: " + e.getMessage());
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.err.println("kiln-bench: interrupted");
            return 2;
        }
    }

    /** Ends the run with exit code 2 and one line. */
    private static final class Fatal extends Exception {
        private static final long serialVersionUID = 1L;

        Fatal(String message) {
            super(message);
        }
    }

    /** Up to a few distinct problems, kept for the summary. */
    private void note(String what) {
        if (noteCount.incrementAndGet() <= MAX_NOTES) {
            notes.add(what);
        }
    }

    // ---------------------------------------------------------------------------------------------

    private int run() throws Fatal, InterruptedException {
        Instant date = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        int variants = switch (o.payload()) {
            case TINY -> 1;
            case REALISTIC -> Math.min(o.count(), 8);
            case LARGE -> Math.min(o.count(), 3);
        };
        for (int v = 0; v < variants; v++) {
            String json = switch (o.payload()) {
                case TINY -> SamplePayloads.tiny();
                case REALISTIC -> SamplePayloads.realistic(o.seed() + v);
                case LARGE -> SamplePayloads.large(o.seed() + v);
            };
            payloads.add(json.getBytes(StandardCharsets.UTF_8));
        }
        Duration requestTimeout = Duration.ofMillis(Math.max(60_000, o.timeoutMillis()));
        http = new KilnHttp(o.url(), o.token(), requestTimeout);
        try {
            return measure(date);
        } finally {
            http.close();
        }
    }

    private int measure(Instant date) throws Fatal, InterruptedException {
        checkReady();
        if (o.pid().isPresent() && !Files.isReadable(Path.of("/proc", o.pid().get().toString(), "status"))) {
            throw new Fatal("cannot read /proc/" + o.pid().get() + "/status (--pid needs Kiln's process on this machine)");
        }

        PgCounter pg = null;
        long xactBefore = 0;
        java.util.OptionalLong postmaster = java.util.OptionalLong.empty();
        double idleXactsPerSecond = Double.NaN;
        String pgDisplay = o.pgUrl().map(u -> u.replaceAll(":[^:@/]*@", ":***@")).orElse("");
        if (o.pgUrl().isPresent()) {
            try {
                pg = PgCounter.connect(o.pgUrl().get());
                postmaster = localPostmaster(pg);
                if (o.pgIdleMillis() > 0) {
                    // Kiln's own background transactions (safety-net polls, ...) while nothing is
                    // submitted; meaningful when Kiln has been idle for 10 s before the tool starts.
                    long idle0 = pg.xactCommit();
                    TimeUnit.MILLISECONDS.sleep(o.pgIdleMillis());
                    long idle1 = pg.xactCommit();
                    idleXactsPerSecond = (idle1 - idle0 - 1) / (o.pgIdleMillis() / 1000.0);
                }
            } catch (SQLException | IllegalArgumentException e) {
                throw new Fatal("cannot read pg_stat_database at " + pgDisplay + ": " + e.getMessage());
            }
        }

        // Warm-up: one at a time, not counted, and outside the database and memory window.
        Single warm = new Single();
        for (int i = 0; i < o.warmup(); i++) {
            warm.runOne(payloads.get(i % payloads.size()), false);
        }

        if (pg != null) {
            try {
                // Idle backends flush their counters within 10 s: the warm-up's land before the
                // first read, not inside the window.
                TimeUnit.MILLISECONDS.sleep(o.pgSettleMillis());
                xactBefore = pg.xactCommit();
            } catch (SQLException e) {
                throw new Fatal("cannot read pg_stat_database at " + pgDisplay + ": " + e.getMessage());
            }
        }
        ProcSampler proc = null;
        ProcSampler.ThreadCpu kilnThreads = null;
        if (o.pid().isPresent()) {
            try {
                proc = ProcSampler.start(o.pid().get());
                kilnThreads = new ProcSampler.ThreadCpu(o.pid().get());
            } catch (IOException e) {
                throw new Fatal("cannot read /proc/" + o.pid().get() + "/status: " + e.getMessage()
                        + " (--pid needs Kiln's process on this machine)");
            }
        }
        String loadBefore = loadAverage();
        long readsBefore = http.databaseReads();
        long statusBefore = http.statusReads.sum();
        long listBefore = http.listReads.sum();
        long cpuBefore = clientCpuNanos();
        ProcSampler.TreeCpu pgServer = postmaster.isPresent() ? new ProcSampler.TreeCpu(postmaster.getAsLong()) : null;
        long windowStart = System.nanoTime();

        Map<String, Object> numbers = new LinkedHashMap<>();
        Outcome outcome = o.mode() == Mode.LATENCY ? latency(numbers) : throughput(numbers);

        long windowNanos = System.nanoTime() - windowStart;
        String loadAfter = loadAverage();
        double pgServerCpu = pgServer == null ? -1 : pgServer.secondsSinceStart();
        long clientCpu = clientCpuNanos() - cpuBefore;
        long toolReads = http.databaseReads() - readsBefore;
        long statusReads = http.statusReads.sum() - statusBefore;
        long listReads = http.listReads.sum() - listBefore;
        Map<String, Object> kiln = new LinkedHashMap<>();
        if (proc != null) {
            double kilnCpu = proc.cpuSecondsSinceStart();
            proc.close();
            kiln.put("pid", o.pid().get());
            kiln.put("rss_start_mb", mb(proc.firstRssKb()));
            kiln.put("rss_peak_sampled_mb", mb(proc.peakRssKb()));
            kiln.put("vm_hwm_start_mb", mb(proc.hwmAtStartKb()));
            kiln.put("vm_hwm_mb", mb(proc.hwmKb()));
            // VmHWM counts only when it rose during the run (else it is an earlier run's peak); the
            // kernel's RSS counters are per-thread caches synced now and then, so a sample and VmHWM
            // can differ by a little either way, and the larger is the peak.
            kiln.put("rss_peak_mb", mb(proc.windowPeakKb()));
            kiln.put("rss_samples", proc.samples());
            kiln.put("cpu_s", Percentiles.round3(kilnCpu));
            kiln.put("cpu_cores_avg", Percentiles.round3(kilnCpu / (windowNanos / 1e9)));
            // A JVM that is still compiling the code the run exercises is not yet at its own speed:
            // the JIT's share says how warm the process was.
            Map<ProcSampler.ThreadKind, Double> byKind = kilnThreads.secondsSinceStart();
            if (byKind.containsKey(ProcSampler.ThreadKind.JIT)) {
                kiln.put("jit_cpu_s", Percentiles.round3(byKind.get(ProcSampler.ThreadKind.JIT)));
                kiln.put("gc_cpu_s", Percentiles.round3(byKind.getOrDefault(ProcSampler.ThreadKind.GC, 0.0)));
            }
            if (proc.error() != null) {
                kiln.put("rss_error", proc.error());
            }
        }

        Map<String, Object> db = new LinkedHashMap<>();
        if (pg != null) {
            try {
                TimeUnit.MILLISECONDS.sleep(o.pgSettleMillis());
                long xactAfter = pg.xactCommit();
                long delta = xactAfter - xactBefore;
                // The first read's own transaction commits inside the window; the second read's does not yet count.
                long own = 1;
                long kilnXacts = delta - toolReads - own;
                db.put("xact_commit_delta", delta);
                db.put("tool_status_and_list_reads", toolReads);
                db.put("tool_own_queries", own);
                db.put("kiln_xacts", kilnXacts);
                db.put("workflows", outcome.accepted);
                db.put("xacts_per_workflow", outcome.accepted == 0 ? null : Percentiles.round3(kilnXacts / (double) outcome.accepted));
                // Between the two reads: the run and the wait after it.
                double windowS = (windowNanos / 1e9) + o.pgSettleMillis() / 1000.0;
                db.put("window_s", Percentiles.round3(windowS));
                if (!Double.isNaN(idleXactsPerSecond)) {
                    db.put("idle_xacts_per_s", Percentiles.round3(idleXactsPerSecond));
                    db.put("xacts_per_workflow_net_of_idle", outcome.accepted == 0 ? null
                            : Percentiles.round3((kilnXacts - idleXactsPerSecond * windowS) / outcome.accepted));
                }
                if (pgServer != null) {
                    db.put("server_processes", pgServer.processes());
                    db.put("server_cpu_s", Percentiles.round3(pgServerCpu));
                    db.put("server_cpu_cores_avg", Percentiles.round3(pgServerCpu / (windowNanos / 1e9)));
                }
                pg.close();
            } catch (SQLException e) {
                db.put("error", e.getMessage());
                note("pg_stat_database: " + e.getMessage());
            }
        }

        Map<String, Object> verdicts = checkResults(outcome.completedIds);
        int exit = outcome.submitErrors > 0 || outcome.failed > 0 || outcome.lost > 0
                || warm.failed + warm.lost + warm.submitErrors > 0
                || ((Number) verdicts.get("invalid")).longValue() > 0 ? 1 : 0;

        Map<String, Object> report = new LinkedHashMap<>();
        report.put("date", date.toString());
        report.put("tool", "kiln-bench LoadTool");
        report.put("mode", o.mode().name().toLowerCase(Locale.ROOT));
        report.put("url", o.url().toString());
        report.put("payload", o.payload().name().toLowerCase(Locale.ROOT));
        report.put("payload_bytes", payloads.get(0).length);
        report.put(o.countName(), o.count());
        report.put("c", o.concurrency());
        report.put("warmup", o.warmup());
        report.put("warmup_problems", warm.failed + warm.lost + warm.submitErrors);
        report.put("seed", o.seed());
        report.put("timeout_s", o.timeoutMillis() / 1000.0);
        report.putAll(numbers);
        report.put("submit_errors", outcome.submitErrors);
        report.put("failed", outcome.failed);
        report.put("lost", outcome.lost);
        report.put("status_reads", statusReads);
        report.put("list_reads", listReads);
        report.put("result_reads", http.resultReads.sum());
        report.put("warmup_status_reads", statusBefore);
        report.put("client_cpu_s", Percentiles.round3(clientCpu / 1e9));
        report.put("verdicts", verdicts);
        if (!db.isEmpty()) {
            report.put("postgres", db);
        }
        if (!kiln.isEmpty()) {
            report.put("kiln_process", kiln);
        }
        if (!notes.isEmpty()) {
            report.put("problems", List.copyOf(notes));
        }
        Map<String, Object> host = new LinkedHashMap<>();
        host.put("cores", Runtime.getRuntime().availableProcessors());
        host.put("loadavg_1m_start", loadBefore);
        host.put("loadavg_1m_end", loadAfter);
        report.put("client_host", host);
        report.put("exit_code", exit);

        printSummary(report);
        String line;
        try {
            line = KilnHttp.JSON.writeValueAsString(report);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        System.out.println(line);
        if (o.out().isPresent()) {
            try {
                Files.writeString(Path.of(o.out().get()), line + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                System.err.println("kiln-bench: cannot append to " + o.out().get() + ": " + e.getMessage());
            }
        }
        return exit;
    }

    /**
     * When PostgreSQL runs on this machine: the postmaster (the parent of this connection's backend),
     * whose process tree's CPU time is then measured over the run; empty otherwise.
     */
    private static java.util.OptionalLong localPostmaster(PgCounter pg) throws SQLException {
        long backend = pg.backendPid();
        if (!ProcSampler.commandLine(backend).contains("postgres")) {
            return java.util.OptionalLong.empty();
        }
        java.util.OptionalLong parent = ProcSampler.parentPid(backend);
        if (parent.isEmpty() || !ProcSampler.commandLine(parent.getAsLong()).contains("postgres")) {
            return java.util.OptionalLong.empty();
        }
        return parent;
    }

    private void checkReady() throws Fatal, InterruptedException {
        try {
            KilnHttp.Response r = http.get("/ready");
            if (r.status() != 200) {
                throw new Fatal("Kiln at " + o.url() + " is not ready: GET /ready answered " + r.status() + " " + r.text());
            }
        } catch (IOException e) {
            throw new Fatal("cannot reach Kiln at " + o.url() + ": " + e);
        }
    }

    /** What a mode hands back for the exit code, the database numbers and the verdict check. */
    private record Outcome(long accepted, long submitErrors, long failed, long lost, List<Long> completedIds) {}

    private static long clientCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    /** The 1-minute load average of this machine (other work competing with Kiln and the tool), or null. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split("\\s+")[0];
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static double mb(long kb) {
        return kb < 0 ? -1 : Math.round(kb / 1024.0 * 10) / 10.0;
    }

    // ---------------------------------------------------------------------------------------------
    // latency

    /** Runs workflows one at a time and keeps what the latency mode reports. */
    private final class Single {
        final List<Long> latencyNanos = new ArrayList<>();
        final List<Long> submitNanos = new ArrayList<>();
        final List<Long> serverNanos = new ArrayList<>();
        final List<Long> completedIds = new ArrayList<>();
        long accepted;
        long submitErrors;
        long failed;
        long lost;
        long statusErrors;

        void runOne(byte[] payload, boolean measured) throws InterruptedException {
            long t0 = System.nanoTime();
            KilnHttp.Response r;
            try {
                r = http.submit(payload);
            } catch (IOException e) {
                submitErrors++;
                note("POST /workflow: " + e);
                return;
            }
            long tSubmit = System.nanoTime();
            long id = r.ok() ? workflowId(r) : -1;
            if (id <= 0) {
                submitErrors++;
                note("POST /workflow: " + r.status() + " " + r.text());
                return;
            }
            accepted++;
            long deadline = t0 + TimeUnit.MILLISECONDS.toNanos(o.timeoutMillis());
            while (true) {
                KilnHttp.Response s;
                JsonNode body = null;
                try {
                    s = http.status(id);
                    if (s.status() == 200) {
                        body = s.json();
                    } else {
                        statusErrors++;
                        note("GET /status/" + id + ": " + s.status() + " " + s.text());
                    }
                } catch (IOException e) {
                    statusErrors++;
                    note("GET /status/" + id + ": " + e);
                }
                long now = System.nanoTime();
                String status = body == null ? "" : body.path("status").asText();
                if (status.equals("completed")) {
                    if (measured) {
                        latencyNanos.add(now - t0);
                        submitNanos.add(tSubmit - t0);
                        if (body.path("duration_ms").isNumber()) {
                            serverNanos.add(TimeUnit.MILLISECONDS.toNanos(body.path("duration_ms").asLong()));
                        }
                    }
                    completedIds.add(id);
                    return;
                }
                if (TERMINAL.contains(status)) {
                    failed++;
                    note("workflow " + id + " " + status + ": " + body.path("error").asText(""));
                    return;
                }
                if (now - deadline > 0) {
                    lost++;
                    note("workflow " + id + " still " + (status.isEmpty() ? "unknown" : status) + " after "
                            + o.timeoutMillis() / 1000.0 + " s");
                    return;
                }
                TimeUnit.MILLISECONDS.sleep(o.statusPollMillis());
            }
        }
    }

    private static long workflowId(KilnHttp.Response r) {
        try {
            return r.json().path("workflow_id").asLong(-1);
        } catch (IOException e) {
            return -1;
        }
    }

    private static long[] toArray(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    private Outcome latency(Map<String, Object> numbers) throws InterruptedException {
        Single s = new Single();
        for (int i = 0; i < o.count(); i++) {
            s.runOne(payloads.get(i % payloads.size()), true);
        }
        numbers.put("completed", s.latencyNanos.size());
        numbers.put("latency_ms", Percentiles.of(toArray(s.latencyNanos)).summaryMillisFromNanos());
        numbers.put("server_duration_ms", Percentiles.of(toArray(s.serverNanos)).summaryMillisFromNanos());
        numbers.put("submit_ms", Percentiles.of(toArray(s.submitNanos)).summaryMillisFromNanos());
        numbers.put("status_poll_ms", o.statusPollMillis());
        numbers.put("status_errors", s.statusErrors);
        numbers.put("completion_observed", "latency = POST /workflow sent -> first GET /status/{id} answering completed,"
                + " polled every " + o.statusPollMillis() + " ms after the previous answer;"
                + " server_duration_ms = that status's duration_ms (finished_at - created_at, server clock)");
        return new Outcome(s.accepted, s.submitErrors, s.failed, s.lost, s.completedIds);
    }

    // ---------------------------------------------------------------------------------------------
    // throughput

    /** What a list sweep saw of one workflow once it was terminal. */
    private record Seen(String status, Instant createdAt, Instant finishedAt, String verdict, String error) {}

    /**
     * Whether no workflow with an id in [low, high] is pending or running (false on an error: asked
     * again at the next check). Pending first: a workflow never goes back to pending, so one found
     * in neither read was terminal by the second.
     */
    private boolean noneUnfinished(long low, long high, LongAdder listErrors) {
        for (String status : List.of("pending", "running")) {
            JsonNode page = listPage(status, high + 1, 1, listErrors);
            if (page == null) {
                return false;
            }
            JsonNode first = page.path("workflows").path(0);
            if (!first.isMissingNode() && first.path("workflow_id").asLong() >= low) {
                return false;
            }
        }
        return true;
    }

    /** One page of {@code GET /workflows} (see {@link KilnHttp#list}), or null once an error is counted and noted. */
    private JsonNode listPage(String status, long cursor, int limit, LongAdder listErrors) {
        String request = status == null ? "GET /workflows" : "GET /workflows?status=" + status;
        try {
            KilnHttp.Response r = http.list(status, cursor, limit);
            if (r.status() == 200) {
                return r.json();
            }
            listErrors.increment();
            note(request + ": " + r.status() + " " + r.text());
        } catch (IOException e) {
            listErrors.increment();
            note(request + ": " + e);
        }
        return null;
    }

    private Outcome throughput(Map<String, Object> numbers) throws InterruptedException {
        int n = o.count();
        long[] submitNanos = new long[n];
        boolean[] submitted = new boolean[n];
        AtomicInteger next = new AtomicInteger();
        LongAdder submitErrors = new LongAdder();
        LongAdder accepted = new LongAdder();
        ConcurrentSkipListSet<Long> outstanding = new ConcurrentSkipListSet<>();
        Map<Long, Seen> seen = new ConcurrentHashMap<>();
        Map<Long, String> lastStatus = new ConcurrentHashMap<>();
        AtomicLong firstSend = new AtomicLong(Long.MAX_VALUE);
        AtomicLong lastSubmitted = new AtomicLong(Long.MIN_VALUE);
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch submittersDone = new CountDownLatch(o.concurrency());

        for (int t = 0; t < o.concurrency(); t++) {
            Thread thread = new Thread(() -> {
                try {
                    gate.await();
                    int i;
                    while ((i = next.getAndIncrement()) < n) {
                        long s = System.nanoTime();
                        firstSend.accumulateAndGet(s, Math::min);
                        KilnHttp.Response r;
                        try {
                            r = http.submit(payloads.get(i % payloads.size()));
                        } catch (IOException e) {
                            submitErrors.increment();
                            note("POST /workflow: " + e);
                            continue;
                        }
                        long e = System.nanoTime();
                        long id = r.ok() ? workflowId(r) : -1;
                        if (id <= 0) {
                            submitErrors.increment();
                            note("POST /workflow: " + r.status() + " " + r.text());
                            continue;
                        }
                        submitNanos[i] = e - s;
                        submitted[i] = true;
                        outstanding.add(id);
                        accepted.increment();
                        lastSubmitted.accumulateAndGet(e, Math::max);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    submittersDone.countDown();
                }
            }, "submitter-" + t);
            thread.setDaemon(true);
            thread.start();
        }

        LongAdder listErrors = new LongAdder();
        LongAdder checks = new LongAdder();
        LongAdder sweepPages = new LongAdder();
        long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(o.timeoutMillis());
        // --status-probe: how a status read fares while the engine is loaded (the event loop must
        // stay responsive), timed on the newest accepted workflow: the last to finish, so unfinished
        // while the run lasts. Split by whether submitters were still sending when the read began:
        // the API's share of the load (checking and storing bodies) ends with the submit phase.
        // Together, all reads.
        List<Long> probeSubmitting = Collections.synchronizedList(new ArrayList<>());
        List<Long> probeDraining = Collections.synchronizedList(new ArrayList<>());
        LongAdder probeErrors = new LongAdder();
        Thread prober = new Thread(() -> {
            try {
                gate.await();
                while (!Thread.currentThread().isInterrupted()) {
                    Long id = outstanding.isEmpty() ? null : outstanding.last();
                    if (id != null) {
                        boolean submitting = submittersDone.getCount() > 0;
                        long s = System.nanoTime();
                        try {
                            KilnHttp.Response r = http.status(id);
                            if (r.status() == 200) {
                                (submitting ? probeSubmitting : probeDraining).add(System.nanoTime() - s);
                            } else {
                                probeErrors.increment();
                            }
                        } catch (IOException e) {
                            probeErrors.increment();
                        }
                    }
                    TimeUnit.MILLISECONDS.sleep(o.statusProbeMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "status-probe");
        prober.setDaemon(true);
        if (o.statusProbeMillis() > 0) {
            prober.start();
        }
        gate.countDown();
        // The observer: this thread. Once the submits are done it asks Kiln, every --poll, whether
        // any workflow from the lowest to the highest accepted id is still pending or running: one
        // list read of at most one item per status, through Kiln's (status, id) index. (Paging
        // through the outstanding workflows themselves, as it did before, cost Kiln and PostgreSQL
        // about 20 ms of CPU per 500 items read, most of a realistic run's list reads, on the
        // machine being measured.) When none is left, or the timeout has passed, one sweep pages
        // over the range to read each workflow's outcome and server times.
        boolean timedOut = false;
        long doneNanos = Long.MIN_VALUE;
        submittersDone.await(); // every submitter has returned
        boolean anyAccepted = !outstanding.isEmpty();
        long low = anyAccepted ? outstanding.first() : 0;
        long high = anyAccepted ? outstanding.last() : 0;
        while (anyAccepted) {
            checks.increment();
            if (noneUnfinished(low, high, listErrors)) {
                doneNanos = System.nanoTime();
                break;
            }
            if (System.nanoTime() - lastSubmitted.get() > timeoutNanos) {
                timedOut = true;
                break;
            }
            TimeUnit.MILLISECONDS.sleep(o.listPollMillis());
        }
        // The run is over: no probe of a finished workflow, and none beside the sweep.
        prober.interrupt();
        prober.join(5_000);
        Long cursor = anyAccepted ? high + 1 : null;
        while (cursor != null) {
            sweepPages.increment();
            JsonNode page = listPage(null, cursor, PAGE, listErrors);
            if (page == null) {
                break;
            }
            long lowest = Long.MAX_VALUE;
            for (JsonNode w : page.path("workflows")) {
                long id = w.path("workflow_id").asLong();
                lowest = Math.min(lowest, id);
                String status = w.path("status").asText();
                if (!outstanding.contains(id)) {
                    continue;
                }
                if (TERMINAL.contains(status)) {
                    outstanding.remove(id);
                    seen.put(id, new Seen(status, instant(w.path("created_at").asText(null)),
                            instant(w.path("finished_at").asText(null)), w.path("verdict").asText(null),
                            w.path("error").asText(null)));
                } else {
                    lastStatus.put(id, status);
                }
            }
            cursor = lowest <= low || page.path("next_cursor").isNull() ? null : page.path("next_cursor").asLong();
        }

        // Numbers.
        long first = firstSend.get();
        long completed = 0;
        long failed = 0;
        long cancelled = 0;
        Instant minCreated = null;
        Instant maxFinished = null;
        List<Long> serverNanos = new ArrayList<>();
        List<Long> completedIds = new ArrayList<>();
        Map<String, Long> verdictCounts = new TreeMap<>();
        for (Map.Entry<Long, Seen> e : seen.entrySet()) {
            Seen s = e.getValue();
            if (s.createdAt() != null && (minCreated == null || s.createdAt().isBefore(minCreated))) {
                minCreated = s.createdAt();
            }
            if (s.finishedAt() != null && (maxFinished == null || s.finishedAt().isAfter(maxFinished))) {
                maxFinished = s.finishedAt();
            }
            if (s.createdAt() != null && s.finishedAt() != null) {
                serverNanos.add(Duration.between(s.createdAt(), s.finishedAt()).toNanos());
            }
            switch (s.status()) {
                case "completed" -> {
                    completed++;
                    completedIds.add(e.getKey());
                    verdictCounts.merge(String.valueOf(s.verdict()), 1L, Long::sum);
                }
                case "failed" -> {
                    failed++;
                    note("workflow " + e.getKey() + " failed: " + s.error());
                }
                default -> {
                    cancelled++;
                    note("workflow " + e.getKey() + " cancelled: " + s.error());
                }
            }
        }
        Collections.sort(completedIds);
        Map<String, Long> lostByStatus = new TreeMap<>();
        for (Long id : outstanding) {
            lostByStatus.merge(lastStatus.getOrDefault(id, "never listed"), 1L, Long::sum);
        }
        if (!outstanding.isEmpty()) {
            note(outstanding.size() + " workflows not terminal " + o.timeoutMillis() / 1000.0
                    + " s after the last submit: " + lostByStatus + ", e.g. " + outstanding.first());
        }
        List<Long> accepts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (submitted[i]) {
                accepts.add(submitNanos[i]);
            }
        }

        // No end to measure to when the run timed out: its throughput is reported as null.
        double wallS = doneNanos == Long.MIN_VALUE || first == Long.MAX_VALUE ? Double.NaN : (doneNanos - first) / 1e9;
        double submitS = lastSubmitted.get() == Long.MIN_VALUE ? Double.NaN : (lastSubmitted.get() - first) / 1e9;
        numbers.put("accepted", accepted.sum());
        numbers.put("completed", completed);
        numbers.put("cancelled", cancelled);
        numbers.put("throughput_wf_per_s", Double.isNaN(wallS) ? null : Percentiles.round3(completed / wallS));
        numbers.put("wall_s", Double.isNaN(wallS) ? null : Percentiles.round3(wallS));
        if (minCreated != null && maxFinished != null) {
            double serverS = Duration.between(minCreated, maxFinished).toNanos() / 1e9;
            numbers.put("server_span_s", Percentiles.round3(serverS));
            numbers.put("server_throughput_wf_per_s", Percentiles.round3(completed / serverS));
        }
        numbers.put("submit_phase_s", Double.isNaN(submitS) ? null : Percentiles.round3(submitS));
        numbers.put("submit_rate_per_s", Double.isNaN(submitS) ? null : Percentiles.round3(accepted.sum() / submitS));
        numbers.put("submit_ms", Percentiles.of(toArray(accepts)).summaryMillisFromNanos());
        numbers.put("server_duration_ms", Percentiles.of(toArray(serverNanos)).summaryMillisFromNanos());
        if (o.statusProbeMillis() > 0) {
            long[] submitting;
            long[] draining;
            synchronized (probeSubmitting) {
                submitting = toArray(probeSubmitting);
            }
            synchronized (probeDraining) {
                draining = toArray(probeDraining);
            }
            long[] all = LongStream.concat(Arrays.stream(submitting), Arrays.stream(draining)).toArray();
            numbers.put("status_probe_ms", Percentiles.of(all).summaryMillisFromNanos());
            numbers.put("status_probe_submitting_ms", Percentiles.of(submitting).summaryMillisFromNanos());
            numbers.put("status_probe_draining_ms", Percentiles.of(draining).summaryMillisFromNanos());
            numbers.put("status_probe_errors", probeErrors.sum());
            numbers.put("status_probe_every_ms", o.statusProbeMillis());
            // Every read, in the order made (the submitting ones first: one thread makes them all),
            // so that runs can be pooled (ProbePool): a run's p99 of some 200 reads is its third
            // slowest, a noisy estimate of the distribution's.
            numbers.put("status_probe_samples_ms", Arrays.stream(all).mapToObj(ns -> Math.round(ns / 1e4) / 100.0).toList());
            numbers.put("status_probe_submitting_reads", submitting.length);
        }
        numbers.put("verdict_counts", verdictCounts);
        numbers.put("lost_by_status", lostByStatus);
        numbers.put("timed_out", timedOut);
        numbers.put("completion_checks", checks.sum());
        numbers.put("sweep_pages", sweepPages.sum());
        numbers.put("list_errors", listErrors.sum());
        numbers.put("completion_observed", "after the last submit, every " + o.listPollMillis() + " ms:"
                + " GET /workflows?status=pending&limit=1&cursor=<highest id + 1>, then the same for running;"
                + " done when neither names an id >= the lowest accepted; throughput = completed / (first POST sent"
                + " -> that check), so it is low by at most one check period; then one sweep of"
                + " GET /workflows?limit=" + PAGE + " pages over the ids reads each outcome;"
                + " server_* = created_at/finished_at of the list items (server clock)");
        return new Outcome(accepted.sum(), submitErrors.sum(), failed + cancelled, outstanding.size(), completedIds);
    }

    static Instant instant(String text) {
        if (text == null || text.isEmpty() || text.equals("null")) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // verdicts

    /** GET /results of a seeded random sample of the completed workflows: a verdict must be PASS, WARNING or FAIL. */
    private Map<String, Object> checkResults(List<Long> completed) throws InterruptedException {
        List<Long> sample = new ArrayList<>(completed);
        Collections.shuffle(sample, new Random(o.seed()));
        sample = sample.subList(0, Math.min(o.sample(), sample.size()));
        int valid = 0;
        Map<String, Long> counts = new TreeMap<>();
        for (long id : sample) {
            String problem = null;
            try {
                KilnHttp.Response r = http.results(id);
                if (r.status() != 200) {
                    problem = r.status() + " " + r.text();
                } else {
                    JsonNode body = r.json();
                    String verdict = body.path("result").path("verdict").asText("");
                    if (body.path("workflow_id").asLong() != id) {
                        problem = "workflow_id is " + body.path("workflow_id");
                    } else if (!VERDICTS.contains(verdict)) {
                        problem = "verdict \"" + verdict + "\"";
                    } else if (!body.path("result").path("summary").isTextual()) {
                        problem = "no result.summary";
                    } else {
                        valid++;
                        counts.merge(verdict, 1L, Long::sum);
                    }
                }
            } catch (IOException e) {
                problem = e.toString();
            }
            if (problem != null) {
                note("GET /results/" + id + ": " + problem);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("checked", sample.size());
        out.put("valid", valid);
        out.put("invalid", sample.size() - valid);
        out.put("counts", counts);
        return out;
    }

    // ---------------------------------------------------------------------------------------------
    // summary

    @SuppressWarnings("unchecked")
    private void printSummary(Map<String, Object> r) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "kiln-bench %s  payload=%s (%s bytes)  %s=%s c=%s warmup=%s  %s  %s%n",
                r.get("mode"), r.get("payload"), r.get("payload_bytes"), o.countName(), r.get(o.countName()),
                r.get("c"), r.get("warmup"), r.get("url"), r.get("date")));
        if (o.mode() == Mode.LATENCY) {
            sb.append("  latency      ").append(dist((Map<String, Object>) r.get("latency_ms"))).append('\n');
            sb.append("  server dur.  ").append(dist((Map<String, Object>) r.get("server_duration_ms"))).append('\n');
            sb.append("  submit       ").append(dist((Map<String, Object>) r.get("submit_ms"))).append('\n');
        } else {
            if (r.get("throughput_wf_per_s") == null) {
                sb.append(String.format(Locale.ROOT, "  throughput   none: not every workflow finished (%s completed)%n",
                        r.get("completed")));
            } else {
                sb.append(String.format(Locale.ROOT, "  throughput   %s workflows/s  (%s completed, first POST -> last completion seen %s s;"
                                + " server clock %s/s over %s s)%n",
                        r.get("throughput_wf_per_s"), r.get("completed"), r.get("wall_s"),
                        r.get("server_throughput_wf_per_s"), r.get("server_span_s")));
            }
            sb.append(String.format(Locale.ROOT, "  submits      %s accepted in %s s (%s/s); latency %s%n",
                    r.get("accepted"), r.get("submit_phase_s"), r.get("submit_rate_per_s"),
                    dist((Map<String, Object>) r.get("submit_ms"))));
            sb.append("  end-to-end   ").append(dist((Map<String, Object>) r.get("server_duration_ms")))
                    .append("  (finished_at - created_at)\n");
            if (r.containsKey("status_probe_ms")) {
                sb.append("  status probe ").append(dist((Map<String, Object>) r.get("status_probe_ms")))
                        .append("  (GET /status during the run, every ").append(r.get("status_probe_every_ms"))
                        .append(" ms; errors ").append(r.get("status_probe_errors")).append(")\n");
                sb.append("    submitting ").append(dist((Map<String, Object>) r.get("status_probe_submitting_ms")))
                        .append("  (reads begun while submits were still being sent)\n");
                sb.append("    draining   ").append(dist((Map<String, Object>) r.get("status_probe_draining_ms")))
                        .append("  (reads begun after the last submit)\n");
            }
            sb.append("  verdicts     ").append(r.get("verdict_counts")).append(" (from the list)\n");
        }
        sb.append(String.format(Locale.ROOT, "  outcome      submit errors %s, failed %s, lost %s%s%n",
                r.get("submit_errors"), r.get("failed"), r.get("lost"),
                o.mode() == Mode.THROUGHPUT && ((Map<?, ?>) r.get("lost_by_status")).size() > 0 ? " " + r.get("lost_by_status") : ""));
        sb.append(String.format(Locale.ROOT, "  tool reads   %s status + %s list during the run (one Kiln transaction each), %s results after it%n",
                r.get("status_reads"), r.get("list_reads"), r.get("result_reads")));
        sb.append("  observed by  ").append(o.mode() == Mode.LATENCY
                ? "GET /status/{id} every " + o.statusPollMillis() + " ms"
                : "GET /workflows?status=pending|running&limit=1 every " + o.listPollMillis() + " ms after the last submit, "
                        + "then one sweep of the ids (" + r.get("completion_checks") + " checks, " + r.get("sweep_pages") + " pages)")
                .append('\n');
        Map<String, Object> v = (Map<String, Object>) r.get("verdicts");
        sb.append(String.format(Locale.ROOT, "  results      %s checked, %s valid %s%n", v.get("checked"), v.get("valid"), v.get("counts")));
        Map<String, Object> db = (Map<String, Object>) r.get("postgres");
        if (db != null) {
            sb.append(db.containsKey("error") ? "  postgres     " + db.get("error") + "\n"
                    : String.format(Locale.ROOT, "  postgres     %s transactions/workflow (xact_commit +%s - %s tool reads - %s own = %s over %s workflows, window %s s)%n",
                            db.get("xacts_per_workflow"), db.get("xact_commit_delta"), db.get("tool_status_and_list_reads"),
                            db.get("tool_own_queries"), db.get("kiln_xacts"), db.get("workflows"), db.get("window_s")));
            if (db.containsKey("idle_xacts_per_s")) {
                sb.append(String.format(Locale.ROOT, "  pg idle      %s transactions/s while idle -> %s transactions/workflow net of it%n",
                        db.get("idle_xacts_per_s"), db.get("xacts_per_workflow_net_of_idle")));
            }
            if (db.containsKey("server_cpu_s")) {
                sb.append(String.format(Locale.ROOT, "  pg server    CPU %s s (%s cores) in %s local postgres processes%n",
                        db.get("server_cpu_s"), db.get("server_cpu_cores_avg"), db.get("server_processes")));
            }
        }
        Map<String, Object> k = (Map<String, Object>) r.get("kiln_process");
        if (k != null) {
            sb.append(String.format(Locale.ROOT, "  kiln         RSS %s MB at start, peak %s MB (sampled every 100 ms: %s; VmHWM, the peak since Kiln started: %s -> %s); CPU %s s (%s cores)%s%n",
                    k.get("rss_start_mb"), k.get("rss_peak_mb"), k.get("rss_peak_sampled_mb"), k.get("vm_hwm_start_mb"), k.get("vm_hwm_mb"),
                    k.get("cpu_s"), k.get("cpu_cores_avg"), k.containsKey("jit_cpu_s")
                            ? ", of which JIT compiling " + k.get("jit_cpu_s") + " s, GC threads " + k.get("gc_cpu_s") + " s" : ""));
        }
        Map<String, Object> h = (Map<String, Object>) r.get("client_host");
        sb.append("  client CPU   ").append(r.get("client_cpu_s")).append(" s; this machine: ").append(h.get("cores"))
                .append(" cores, load average ").append(h.get("loadavg_1m_start")).append(" -> ").append(h.get("loadavg_1m_end")).append('\n');
        if (r.containsKey("problems")) {
            sb.append("  problems     ").append(noteCount.get() > MAX_NOTES ? "(first " + MAX_NOTES + " of " + noteCount.get() + ")" : "")
                    .append('\n');
            for (Object p : (List<Object>) r.get("problems")) {
                sb.append("    - ").append(p).append('\n');
            }
        }
        sb.append("  result       ").append(((Integer) r.get("exit_code")) == 0 ? "OK" : "PROBLEMS (exit 1)").append('\n');
        System.out.print(sb);
    }

    private static String dist(Map<String, Object> d) {
        if (d == null || ((Number) d.get("count")).longValue() == 0) {
            return "no samples";
        }
        return String.format(Locale.ROOT, "p50 %s  p90 %s  p99 %s  max %s ms  (n=%s)",
                d.get("p50"), d.get("p90"), d.get("p99"), d.get("max"), d.get("count"));
    }
}
