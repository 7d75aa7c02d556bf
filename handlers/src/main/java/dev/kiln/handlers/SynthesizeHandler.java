package dev.kiln.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code synthesize}: combines the {@code detect_outliers} and {@code analyze_trends} outputs into
 * {@code outliers}, {@code trends}, {@code has_critical_outliers} (total_flagged &gt; 0) and
 * {@code unstable_sensors} (ids whose direction is not stable, in trends order), plus
 * {@code total_flagged} and both upstreams' {@code skipped} lists.
 *
 * <p>Upstream outputs are looked up by task name, {@code detect_outliers} and {@code analyze_trends}
 * unless the params {@code outliers_from} / {@code trends_from} name other tasks.
 */
public final class SynthesizeHandler implements TaskHandler {

    public static final String NAME = "synthesize";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean needsInput() {
        return false;
    }

    @Override
    public ObjectNode handle(TaskContext ctx) {
        String outliersFrom = Params.string(NAME, ctx.params(), "outliers_from", DetectOutliersHandler.NAME);
        String trendsFrom = Params.string(NAME, ctx.params(), "trends_from", AnalyzeTrendsHandler.NAME);
        Upstream detect = Upstream.of(NAME, ctx.upstream(), outliersFrom);
        Upstream trend = Upstream.of(NAME, ctx.upstream(), trendsFrom);

        JsonNode outliers = detect.array("outliers");
        double totalFlagged = detect.number("total_flagged");
        JsonNode trends = trend.array("trends");

        ArrayNode unstable = ObjectMappers.nodes().arrayNode();
        for (int i = 0; i < trends.size(); i++) {
            JsonNode t = trends.get(i);
            String direction = trend.text(t, "trends", i, "direction");
            String sensorId = trend.text(t, "trends", i, "sensor_id");
            switch (direction) {
                case AnalyzeTrendsHandler.STABLE -> { }
                case AnalyzeTrendsHandler.INCREASING, AnalyzeTrendsHandler.DECREASING -> unstable.add(sensorId);
                default -> throw trend.wrong("trends[" + i + "].direction",
                        "one of \"increasing\", \"decreasing\", \"stable\"", t.get("direction"));
            }
        }

        ObjectNode out = ObjectMappers.nodes().objectNode();
        // Upstream nodes are shared, not copied: outlier lists can be large and no handler mutates its inputs.
        out.set("outliers", outliers);
        out.set("trends", trends);
        out.put("has_critical_outliers", totalFlagged > 0);
        out.set("unstable_sensors", unstable);
        out.set("total_flagged", detect.get("total_flagged"));
        ObjectNode skipped = out.putObject("skipped");
        skipped.set(DetectOutliersHandler.NAME, orEmpty(detect.optionalArray("skipped")));
        skipped.set(AnalyzeTrendsHandler.NAME, orEmpty(trend.optionalArray("skipped")));
        return out;
    }

    private static JsonNode orEmpty(JsonNode array) {
        return array == null ? ObjectMappers.nodes().arrayNode() : array;
    }
}
