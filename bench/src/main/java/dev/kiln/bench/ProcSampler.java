package dev.kiln.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples a local process's resident memory ({@code /proc/<pid>/status}) every 100 ms and reads its
 * CPU time ({@code /proc/<pid>/stat}) at the start and the end. VmHWM is the kernel's own peak of
 * VmRSS since the process started, so it also catches spikes between two samples (and start-up).
 */
final class ProcSampler implements AutoCloseable {

    /** The kernel's USER_HZ: 100 on every Linux architecture Java runs on. */
    static final long CLOCK_TICKS_PER_SECOND = 100;

    private final long pid;
    private final ScheduledExecutorService timer;
    private volatile long peakRssKb = -1;
    private volatile long firstRssKb = -1;
    private volatile long firstHwmKb = -1;
    private volatile long lastHwmKb = -1;
    private volatile long samples;
    private volatile String error;
    private final long cpuTicksAtStart;

    /** VmRSS and VmHWM in kB, -1 where the text does not have them. */
    record Memory(long rssKb, long hwmKb) {}

    private ProcSampler(long pid) {
        this.pid = pid;
        this.cpuTicksAtStart = cpuTicks(pid).orElse(-1);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "proc-sampler");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts sampling; fails at once when the process cannot be read. */
    static ProcSampler start(long pid) throws IOException {
        Files.readString(statusPath(pid));
        ProcSampler s = new ProcSampler(pid);
        s.sample();
        s.timer.scheduleAtFixedRate(s::sample, 100, 100, TimeUnit.MILLISECONDS);
        return s;
    }

    private static Path statusPath(long pid) {
        return Path.of("/proc", Long.toString(pid), "status");
    }

    private void sample() {
        try {
            Memory m = parseStatus(Files.readString(statusPath(pid)));
            if (m.rssKb() >= 0) {
                if (firstRssKb < 0) {
                    firstRssKb = m.rssKb();
                }
                peakRssKb = Math.max(peakRssKb, m.rssKb());
            }
            if (m.hwmKb() >= 0) {
                if (firstHwmKb < 0) {
                    firstHwmKb = m.hwmKb();
                }
                lastHwmKb = m.hwmKb();
            }
            samples++;
        } catch (IOException | RuntimeException e) {
            error = "cannot read " + statusPath(pid) + ": " + e;
        }
    }

    /** Stops sampling after one last sample (so VmHWM is read at the end). */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sample();
    }

    long firstRssKb() {
        return firstRssKb;
    }

    long peakRssKb() {
        return peakRssKb;
    }

    /** VmHWM at the end: the process's peak since it started, which may predate this window. */
    long hwmKb() {
        return lastHwmKb;
    }

    long hwmAtStartKb() {
        return firstHwmKb;
    }

    /** The peak within this window: see {@link #windowPeakKb(long, long, long)}. */
    long windowPeakKb() {
        return windowPeakKb(peakRssKb, firstHwmKb, lastHwmKb);
    }

    /**
     * The peak RSS within a window, from the largest sample and VmHWM at its start and end. VmHWM is
     * the kernel's peak since the process started, so it catches a spike between two samples, but
     * it is this window's only when it rose during the window: on a process that had peaked higher
     * in an earlier run, it would report that run's peak. Otherwise the samples are what there is.
     */
    static long windowPeakKb(long sampledPeakKb, long hwmAtStartKb, long hwmAtEndKb) {
        if (hwmAtStartKb >= 0 && hwmAtEndKb > hwmAtStartKb) {
            return Math.max(sampledPeakKb, hwmAtEndKb);
        }
        return sampledPeakKb;
    }

    long samples() {
        return samples;
    }

    String error() {
        return error;
    }

    /** CPU seconds (user + system) the process used since {@link #start}, or -1. */
    double cpuSecondsSinceStart() {
        OptionalLong now = cpuTicks(pid);
        if (now.isEmpty() || cpuTicksAtStart < 0) {
            return -1;
        }
        return (now.getAsLong() - cpuTicksAtStart) / (double) CLOCK_TICKS_PER_SECOND;
    }

    /**
     * CPU time of a process and all its descendants, including the children each has reaped
     * (cutime, cstime): for a PostgreSQL postmaster that counts backends that exited in between.
     */
    static final class TreeCpu {
        private final long root;
        private final java.util.Map<Long, Long> atStart;

        TreeCpu(long root) {
            this.root = root;
            this.atStart = treeTicks(root);
        }

        /** CPU seconds used by the tree since construction. */
        double secondsSinceStart() {
            long ticks = 0;
            for (java.util.Map.Entry<Long, Long> e : treeTicks(root).entrySet()) {
                ticks += e.getValue() - atStart.getOrDefault(e.getKey(), 0L);
            }
            return ticks / (double) CLOCK_TICKS_PER_SECOND;
        }

        /** Processes in the tree now, the root included. */
        int processes() {
            return treeTicks(root).size();
        }

        private static java.util.Map<Long, Long> treeTicks(long root) {
            java.util.Map<Long, Long> out = new java.util.HashMap<>();
            ProcessHandle.of(root).ifPresent(h -> java.util.stream.Stream.concat(java.util.stream.Stream.of(h), h.descendants())
                    .forEach(d -> {
                        try {
                            parseStatCpuTicksWithChildren(Files.readString(Path.of("/proc", Long.toString(d.pid()), "stat")))
                                    .ifPresent(t -> out.put(d.pid(), t));
                        } catch (IOException | RuntimeException e) {
                            // gone in between
                        }
                    }));
            return out;
        }
    }

    /** What a JVM thread works at, told by the name HotSpot gives it. */
    enum ThreadKind {
        /** The JIT: "C1 CompilerThread0", "C2 CompilerThread1", ... (15 characters in /proc). */
        JIT,
        /** G1's and the Parallel collector's threads: "GC Thread#0", "G1 Conc#0", "G1 Refine#0", ... */
        GC,
        OTHER;

        static ThreadKind of(String comm) {
            if (comm.contains("CompilerThre")) {
                return JIT;
            }
            if (comm.startsWith("GC Thread") || comm.startsWith("G1 ")) {
                return GC;
            }
            return OTHER;
        }
    }

    /**
     * CPU time of a process's threads by {@link ThreadKind}, from {@code /proc/<pid>/task/<tid>/stat}:
     * how much of a JVM's CPU went to compiling and collecting rather than to the work. A thread
     * that ends within the window takes its time with it (the kernel keeps no per-thread record),
     * so the figures are at least what was spent; HotSpot keeps at least one compiler thread of
     * each kind and its GC threads for the life of the process.
     */
    static final class ThreadCpu {
        /** One thread as /proc showed it: its kind and its CPU ticks so far. */
        private record Sample(ThreadKind kind, long ticks) {}

        private final long pid;
        private final java.util.Map<Long, Sample> atStart;

        ThreadCpu(long pid) {
            this.pid = pid;
            this.atStart = sample(pid);
        }

        /** CPU seconds by kind since construction; a kind no thread had is absent. */
        java.util.Map<ThreadKind, Double> secondsSinceStart() {
            java.util.Map<ThreadKind, Double> out = new java.util.EnumMap<>(ThreadKind.class);
            sample(pid).forEach((tid, now) -> {
                Sample before = atStart.get(tid);
                long ticks = now.ticks() - (before == null ? 0 : before.ticks());
                out.merge(now.kind(), Math.max(0, ticks) / (double) CLOCK_TICKS_PER_SECOND, Double::sum);
            });
            return out;
        }

        private static java.util.Map<Long, Sample> sample(long pid) {
            java.util.Map<Long, Sample> out = new java.util.HashMap<>();
            Path tasks = Path.of("/proc", Long.toString(pid), "task");
            try (java.util.stream.Stream<Path> threads = Files.list(tasks)) {
                threads.forEach(t -> {
                    try {
                        String stat = Files.readString(t.resolve("stat"));
                        parseStatCpuTicks(stat).ifPresent(ticks -> out.put(Long.parseLong(t.getFileName().toString()),
                                new Sample(ThreadKind.of(commandName(stat)), ticks)));
                    } catch (IOException | RuntimeException e) {
                        // ended in between
                    }
                });
            } catch (IOException | RuntimeException e) {
                // the process is gone: nothing to count
            }
            return out;
        }
    }

    /** The command name (field 2) of a {@code stat} line, without its parentheses; "" if none. */
    static String commandName(String stat) {
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        return open >= 0 && close > open ? stat.substring(open + 1, close) : "";
    }

    /** The parent of a local process, when /proc has it. */
    static OptionalLong parentPid(long pid) {
        try {
            String[] f = statFields(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
            return f.length > 1 ? OptionalLong.of(Long.parseLong(f[1])) : OptionalLong.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** The command line of a local process, arguments separated by spaces, or "". */
    static String commandLine(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ').strip();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static OptionalLong cpuTicks(long pid) {
        try {
            return parseStatCpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** VmRSS and VmHWM out of the text of {@code /proc/<pid>/status} (lines like {@code VmRSS:   123 kB}). */
    static Memory parseStatus(String text) {
        long rss = -1;
        long hwm = -1;
        for (String line : text.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                rss = kilobytes(line);
            } else if (line.startsWith("VmHWM:")) {
                hwm = kilobytes(line);
            }
        }
        return new Memory(rss, hwm);
    }

    private static long kilobytes(String line) {
        String[] parts = line.substring(line.indexOf(':') + 1).trim().split("\\s+");
        long value = Long.parseLong(parts[0]);
        if (parts.length > 1) {
            switch (parts[1].toLowerCase(java.util.Locale.ROOT)) {
                case "kb" -> { }
                case "mb" -> value *= 1024;
                case "gb" -> value *= 1024 * 1024;
                default -> throw new IllegalArgumentException("unknown unit in \"" + line + "\"");
            }
        }
        return value;
    }

    /**
     * utime + stime (fields 14 and 15) out of the text of {@code /proc/<pid>/stat}; the command name
     * (field 2) is in parentheses and may itself hold spaces and parentheses, so fields are counted
     * after its last closing parenthesis.
     */
    static OptionalLong parseStatCpuTicks(String text) {
        String[] fields = statFields(text);
        if (fields.length < 13) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
    }

    /** utime + stime + cutime + cstime (fields 14 to 17): the process and the children it has reaped. */
    static OptionalLong parseStatCpuTicksWithChildren(String text) {
        String[] fields = statFields(text);
        if (fields.length < 15) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(fields[11]) + Long.parseLong(fields[12])
                + Long.parseLong(fields[13]) + Long.parseLong(fields[14]));
    }

    /** The fields after the command name: element 0 is field 3 (state), so field f is element f - 3. */
    private static String[] statFields(String text) {
        int close = text.lastIndexOf(')');
        if (close < 0) {
            return new String[0];
        }
        return text.substring(close + 1).trim().split("\\s+");
    }
}
