package dev.kiln.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.handlers.AnalyzeTrendsHandler;
import dev.kiln.handlers.DetectOutliersHandler;
import dev.kiln.handlers.ObjectMappers;
import dev.kiln.handlers.SamplePayloads;
import dev.kiln.handlers.SynthesizeHandler;
import dev.kiln.handlers.TaskContext;
import dev.kiln.handlers.VerdictHandler;
import dev.kiln.handlers.WorkflowInput;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the four tasks of one realistic workflow (50 sensors x 500 readings, 20 parts) cost a
 * worker once its input is parsed: each handler as the worker runs it, with the spec's params,
 * its output written as JSON, and the upstream outputs read back as trees, as the worker does
 * for {@code synthesize} and {@code verdict}. Parsing the input is in {@link InputBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class WorkflowBenchmark {

    private final ObjectMapper mapper = ObjectMappers.mapper();
    private final DetectOutliersHandler detect = new DetectOutliersHandler();
    private final AnalyzeTrendsHandler trends = new AnalyzeTrendsHandler();
    private final SynthesizeHandler synthesize = new SynthesizeHandler();
    private final VerdictHandler verdict = new VerdictHandler();
    private WorkflowInput input;
    private JsonNode detectParams;
    private JsonNode trendsParams;
    private JsonNode noParams;

    @Setup
    public void setUp() {
        input = WorkflowInput.parse(SamplePayloads.realistic(42).getBytes(StandardCharsets.UTF_8));
        detectParams = mapper.createObjectNode().put("sigma", 2);
        trendsParams = mapper.createObjectNode().put("slope_threshold", 0.01);
        noParams = mapper.createObjectNode();
    }

    /** All four tasks, as a worker runs them: the handlers' share of a realistic workflow. */
    @Benchmark
    public String allFourTasks() throws Exception {
        String outliers = write(detect.handle(new TaskContext(DetectOutliersHandler.NAME, input, Map.of(), detectParams)));
        String trend = write(trends.handle(new TaskContext(AnalyzeTrendsHandler.NAME, input, Map.of(), trendsParams)));
        JsonNode upstream = mapper.readTree(
            "{\"" + DetectOutliersHandler.NAME + "\":" + outliers + ",\"" + AnalyzeTrendsHandler.NAME + "\":" + trend + "}");
        String synthesis = write(synthesize.handle(new TaskContext(SynthesizeHandler.NAME, null,
            Map.of(DetectOutliersHandler.NAME, upstream.get(DetectOutliersHandler.NAME),
                AnalyzeTrendsHandler.NAME, upstream.get(AnalyzeTrendsHandler.NAME)), noParams)));
        JsonNode synthesized = mapper.readTree("{\"" + SynthesizeHandler.NAME + "\":" + synthesis + "}");
        return write(verdict.handle(new TaskContext(VerdictHandler.NAME, null,
            Map.of(SynthesizeHandler.NAME, synthesized.get(SynthesizeHandler.NAME)), noParams)));
    }

    /** The two tasks that read the input, without writing their outputs. */
    @Benchmark
    public ObjectNode[] detectOutliersAndAnalyzeTrends() {
        return new ObjectNode[] {
            detect.handle(new TaskContext(DetectOutliersHandler.NAME, input, Map.of(), detectParams)),
            trends.handle(new TaskContext(AnalyzeTrendsHandler.NAME, input, Map.of(), trendsParams))};
    }

    private String write(ObjectNode output) throws Exception {
        return mapper.writeValueAsString(output);
    }
}
