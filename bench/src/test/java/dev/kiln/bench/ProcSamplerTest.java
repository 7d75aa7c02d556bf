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
    void readsThisProcess() throws Exception {
        long pid = ProcessHandle.current().pid();
        if (!java.nio.file.Files.exists(java.nio.file.Path.of("/proc", Long.toString(pid), "status"))) {
            return; // not Linux
        }
        try (ProcSampler s = ProcSampler.start(pid)) {
            assertThat(s.firstRssKb()).isPositive();
            assertThat(s.peakRssKb()).isGreaterThanOrEqualTo(s.firstRssKb());
            assertThat(s.hwmKb()).isGreaterThanOrEqualTo(s.peakRssKb());
        }
    }
}
