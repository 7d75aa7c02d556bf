package dev.kiln.bench;

import com.github.luben.zstd.Zstd;
import dev.kiln.handlers.SamplePayloads;
import dev.kiln.handlers.WorkflowInput;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one realistic input (50 sensors x 500 readings, 226 KB) costs Kiln on its way through:
 * the API checks and compresses it, a worker decompresses and parses it. Compression is zstd at the
 * level the engine's StoredInput uses ({@code level} 1), beside neighbouring levels for comparison.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class InputBenchmark {

    @Param({"1"})
    public int level;

    private byte[] json;
    private byte[] compressed;

    @Setup
    public void setUp() {
        json = SamplePayloads.realistic(42).getBytes(StandardCharsets.UTF_8);
        compressed = Zstd.compress(json, level);
    }

    @Benchmark
    public WorkflowInput.Checked check() {
        return WorkflowInput.check(json, 0, json.length, Long.MAX_VALUE);
    }

    @Benchmark
    public WorkflowInput parse() {
        return WorkflowInput.parse(json);
    }

    @Benchmark
    public byte[] compress() {
        return Zstd.compress(json, level);
    }

    @Benchmark
    public byte[] decompress() {
        return Zstd.decompress(compressed, json.length);
    }
}
