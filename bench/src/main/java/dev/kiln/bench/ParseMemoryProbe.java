package dev.kiln.bench;

import dev.kiln.handlers.SamplePayloads;
import dev.kiln.handlers.WorkflowInput;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Measures what parsing the large sample costs in heap: bytes allocated per parse (all garbage
 * included) and heap retained by the parsed input afterwards.
 * Run: {@code java -cp bench/target/benchmarks.jar dev.kiln.bench.ParseMemoryProbe}
 */
public final class ParseMemoryProbe {

    private ParseMemoryProbe() {
    }

    public static void main(String[] args) {
        byte[] payload = SamplePayloads.large(42).getBytes(StandardCharsets.UTF_8);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long tid = Thread.currentThread().getId();
        for (int i = 0; i < 10; i++) {
            WorkflowInput.parse(payload);
        }

        long allocatedBefore = threads.getThreadAllocatedBytes(tid);
        long start = System.nanoTime();
        WorkflowInput kept = WorkflowInput.parse(payload);
        long elapsed = System.nanoTime() - start;
        long allocated = threads.getThreadAllocatedBytes(tid) - allocatedBefore;

        kept = null;
        settle(memory);
        long baseline = memory.getHeapMemoryUsage().getUsed();
        kept = WorkflowInput.parse(payload);
        settle(memory);
        long retained = memory.getHeapMemoryUsage().getUsed() - baseline;

        System.out.printf(Locale.ROOT, "payload %.1f MB, %d values%n", payload.length / 1e6, kept.valueCount());
        System.out.printf(Locale.ROOT, "one parse: %.1f ms, %.1f MB allocated%n", elapsed / 1e6, allocated / 1e6);
        System.out.printf(Locale.ROOT, "heap retained by the parsed input: %.1f MB (values alone: %.1f MB)%n",
                retained / 1e6, kept.valueCount() * 8 / 1e6);
    }

    private static void settle(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            memory.gc();
        }
    }
}
