package dev.kiln.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.handlers.AnalyzeTrendsHandler;
import dev.kiln.handlers.DetectOutliersHandler;
import dev.kiln.handlers.ObjectMappers;
import dev.kiln.handlers.SamplePayloads;
import dev.kiln.handlers.Series;
import dev.kiln.handlers.TaskContext;
import dev.kiln.handlers.WorkflowInput;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.math3.stat.descriptive.moment.Mean;
import org.apache.commons.math3.stat.regression.SimpleRegression;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Handler cost over the large sample payload (200 sensors x 10,000 readings, seed 42): parsing,
 * detect_outliers, analyze_trends, and the SimpleRegression baseline that analyze_trends replaced.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class HandlerBenchmark {

    private final DetectOutliersHandler detect = new DetectOutliersHandler();
    private final AnalyzeTrendsHandler trends = new AnalyzeTrendsHandler();
    private byte[] payload;
    private WorkflowInput input;
    private TaskContext detectContext;
    private TaskContext trendsContext;

    @Setup
    public void setUp() {
        payload = SamplePayloads.large(42).getBytes(StandardCharsets.UTF_8);
        input = WorkflowInput.parse(payload);
        JsonNode noParams = ObjectMappers.mapper().createObjectNode();
        detectContext = new TaskContext(DetectOutliersHandler.NAME, input, Map.of(), noParams);
        trendsContext = new TaskContext(AnalyzeTrendsHandler.NAME, input, Map.of(), noParams);
    }

    @Benchmark
    public WorkflowInput parseLargeInput() {
        return WorkflowInput.parse(payload);
    }

    /** What the API does with a body: every check of parsing, no values kept. */
    @Benchmark
    public WorkflowInput.Checked checkLargeInput() {
        return WorkflowInput.check(payload, 0, payload.length, Long.MAX_VALUE);
    }

    @Benchmark
    public ObjectNode detectOutliers() {
        return detect.handle(detectContext);
    }

    @Benchmark
    public ObjectNode analyzeTrends() {
        return trends.handle(trendsContext);
    }

    /** The two input-reading handlers back to back, as a workflow runs them (budget: 50 ms). */
    @Benchmark
    public void detectOutliersAndAnalyzeTrends(Blackhole bh) {
        bh.consume(detect.handle(detectContext));
        bh.consume(trends.handle(trendsContext));
    }

    /**
     * What analyze_trends would cost with Commons Math's SimpleRegression (fed centred values, without
     * which its updating algorithm loses about 1% of the slope on data near 1e9): slope, intercept,
     * r-squared and significance per sensor, no JSON.
     */
    @Benchmark
    public void analyzeTrendsSimpleRegressionBaseline(Blackhole bh) {
        for (Series s : input.sensors()) {
            double[] v = s.values();
            double mean = new Mean().evaluate(v);
            SimpleRegression r = new SimpleRegression();
            for (int i = 0; i < v.length; i++) {
                r.addData(i, v[i] - mean);
            }
            bh.consume(r.getSlope());
            bh.consume(r.getIntercept() + mean);
            bh.consume(r.getRSquare());
            bh.consume(r.getSignificance());
        }
    }
}
