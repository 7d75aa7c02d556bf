package dev.kiln.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcSamplerTest {

    private static final String STATUS = """
            Name:\tjava
            Umask:\t0022
            State:\tS (sleeping)
            Pid:\t4242
            VmPeak:\t 9123456 kB
            VmSize:\t 9000000 kB
            VmHWM:\t  612340 kB
            VmRSS:\t  498765 kB
            RssAnon:\t  400000 kB
            Threads:\t48
            """;

    @Test
    void readsRssAndHighWaterMark() {
        ProcSampler.Memory m = ProcSampler.parseStatus(STATUS);
        assertThat(m.rssKb()).isEqualTo(498_765);
        assertThat(m.hwmKb()).isEqualTo(612_340);
    }

    @Test
    void missingLinesAreMinusOne() {
        // Kernel threads and zombies have no Vm* lines.
        ProcSampler.Memory m = ProcSampler.parseStatus("Name:\tkworker/0:1\nState:\tI (idle)\n");
        assertThat(m.rssKb()).isEqualTo(-1);
        assertThat(m.hwmKb()).isEqualTo(-1);
    }

    @Test
    void cpuTicksCountFieldsAfterTheCommandName() {
        // The command name may hold spaces and parentheses; utime = 1500, stime = 250.
        String stat = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 120 0 0 0 1500 250 0 0 20 0 48 0 123 0 0";
        assertThat(ProcSampler.parseStatCpuTicks(stat)).hasValue(1750);
        assertThat(ProcSampler.parseStatCpuTicksWithChildren(stat)).hasValue(1750);
        String reaped = "99 (postgres) S 1 99 99 0 -1 4194560 120 0 0 0 10 5 300 40 20 0 1 0 123 0 0";
        assertThat(ProcSampler.parseStatCpuTicksWithChildren(reaped)).hasValue(355);
        assertThat(ProcSampler.parseStatCpuTicks(reaped)).hasValue(15);
        assertThat(ProcSampler.parseStatCpuTicks("garbage")).isEmpty();
        assertThat(ProcSampler.parseStatCpuTicks("1 (x) S 1 2")).isEmpty();
    }

    @Test
    void aWindowsPeakTakesVmHwmOnlyWhenItRoseInTheWindow() {
        // An earlier run had peaked at 550 MB; this one's samples reached 380: VmHWM is not its peak.
        assertThat(ProcSampler.windowPeakKb(380_000, 550_000, 550_000)).isEqualTo(380_000);
        // VmHWM rose during the window, past the samples (a spike between two of them): it is the peak.
        assertThat(ProcSampler.windowPeakKb(380_000, 350_000, 395_000)).isEqualTo(395_000);
        // It rose, but a later sample read a little more (the kernel's counters lag): the larger.
        assertThat(ProcSampler.windowPeakKb(396_000, 350_000, 395_000)).isEqualTo(396_000);
        // No VmHWM in the status text: the samples alone.
        assertThat(ProcSampler.windowPeakKb(380_000, -1, -1)).isEqualTo(380_000);
    }

    @Test
    void readsThisProcess() throws Exception {
        long pid = ProcessHandle.current().pid();
        if (!java.nio.file.Files.exists(java.nio.file.Path.of("/proc", Long.toString(pid), "status"))) {
            return; // not Linux
        }
        try (ProcSampler s = ProcSampler.start(pid)) {
            assertThat(s.firstRssKb()).isPositive();
            assertThat(s.peakRssKb()).isGreaterThanOrEqualTo(s.firstRssKb());
            assertThat(s.hwmKb()).isGreaterThanOrEqualTo(s.peakRssKb());
            assertThat(s.hwmAtStartKb()).isPositive().isLessThanOrEqualTo(s.hwmKb());
            assertThat(s.windowPeakKb()).isGreaterThanOrEqualTo(s.peakRssKb()).isLessThanOrEqualTo(s.hwmKb());
        }
    }

    @Test
    void threadsAreToldByTheirHotSpotNames() {
        assertThat(ProcSampler.ThreadKind.of("C2 CompilerThre")).isEqualTo(ProcSampler.ThreadKind.JIT);
        assertThat(ProcSampler.ThreadKind.of("C1 CompilerThre")).isEqualTo(ProcSampler.ThreadKind.JIT);
        assertThat(ProcSampler.ThreadKind.of("GC Thread#1")).isEqualTo(ProcSampler.ThreadKind.GC);
        assertThat(ProcSampler.ThreadKind.of("G1 Conc#0")).isEqualTo(ProcSampler.ThreadKind.GC);
        assertThat(ProcSampler.ThreadKind.of("G1 Refine#0")).isEqualTo(ProcSampler.ThreadKind.GC);
        assertThat(ProcSampler.ThreadKind.of("vert.x-eventloo")).isEqualTo(ProcSampler.ThreadKind.OTHER);
        assertThat(ProcSampler.ThreadKind.of("kiln-handlers-2")).isEqualTo(ProcSampler.ThreadKind.OTHER);
        assertThat(ProcSampler.commandName("4243 (C2 CompilerThre) S 1 4242")).isEqualTo("C2 CompilerThre");
        assertThat(ProcSampler.commandName("4244 (a (b) c) S 1")).isEqualTo("a (b) c");
        assertThat(ProcSampler.commandName("garbage")).isEmpty();
    }

    @Test
    void splitsThisJvmsCpuByThreadKind() throws Exception {
        long pid = ProcessHandle.current().pid();
        java.nio.file.Path stat = java.nio.file.Path.of("/proc", Long.toString(pid), "stat");
        if (!java.nio.file.Files.exists(stat)) {
            return; // not Linux
        }
        long processBefore = ProcSampler.parseStatCpuTicks(java.nio.file.Files.readString(stat)).orElseThrow();
        ProcSampler.ThreadCpu threads = new ProcSampler.ThreadCpu(pid);
        // Work on this thread until it has used 200 ms of CPU: a known amount to find again.
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long until = mx.getCurrentThreadCpuTime() + 200_000_000L;
        long x = 0;
        while (mx.getCurrentThreadCpuTime() < until) {
            for (int i = 0; i < 100_000; i++) {
                x = x * 6364136223846793005L + i;
            }
        }
        java.util.Map<ProcSampler.ThreadKind, Double> spent = threads.secondsSinceStart();
        long processAfter = ProcSampler.parseStatCpuTicks(java.nio.file.Files.readString(stat)).orElseThrow();
        int threadCount = Thread.getAllStackTraces().size() + 64; // plus HotSpot's own, generously

        // HotSpot's compiler threads are found (they exist from the start, busy or not) ...
        assertThat(spent).as("x=%d", x).containsKeys(ProcSampler.ThreadKind.JIT, ProcSampler.ThreadKind.OTHER);
        // ... the work above is counted where it ran ...
        assertThat(spent.get(ProcSampler.ThreadKind.OTHER)).isGreaterThanOrEqualTo(0.1);
        // ... and the kinds add up to no more than the process's own CPU, give or take a tick a thread.
        double sum = spent.values().stream().mapToDouble(Double::doubleValue).sum();
        assertThat(sum).isLessThanOrEqualTo((processAfter - processBefore + threadCount)
                / (double) ProcSampler.CLOCK_TICKS_PER_SECOND);
    }
}
