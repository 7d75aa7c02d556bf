package dev.kiln.handlers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * {@code analyze_trends}: least-squares slope of every sensor series (at least 2 values) against the
 * reading index, classified {@code increasing}/{@code decreasing}/{@code stable} by
 * {@code slope_threshold} (default 0.01). Measurements are not trended.
 *
 * <p>Output: {@code trends} (per sensor: {@code sensor_id}, {@code slope} and {@code direction} as in
 * the reference, plus {@code intercept}, {@code r_squared}, {@code n}, {@code p_value}),
 * {@code series_checked}, {@code slope_threshold} and {@code skipped}. A constant series has
 * {@code r_squared} 0; {@code p_value} is null when undefined (fewer than 3 values, or a constant series).
 */
public final class AnalyzeTrendsHandler implements TaskHandler {

    public static final String NAME = "analyze_trends";
    public static final double DEFAULT_SLOPE_THRESHOLD = 0.01;

    public static final String INCREASING = "increasing";
    public static final String DECREASING = "decreasing";
    public static final String STABLE = "stable";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ObjectNode handle(TaskContext ctx) {
        WorkflowInput input = SeriesHandlers.requireInput(NAME, ctx);
        double threshold = Params.nonNegative(NAME, ctx.params(), "slope_threshold", DEFAULT_SLOPE_THRESHOLD);
        JsonNodeFactory nodes = ObjectMappers.nodes();
        ArrayNode trends = nodes.arrayNode();
        ArrayNode skipped = nodes.arrayNode();
        int checked = 0;
        List<Series> sensors = input.sensors();
        for (int i = 0; i < sensors.size(); i++) {
            Series s = sensors.get(i);
            if (s.size() < 2) {
                SeriesHandlers.addSkipped(skipped, s);
                continue;
            }
            checked++;
            SeriesStats.Fit fit = SeriesStats.fit(s.values());
            double slope = SeriesHandlers.finite(NAME, s, i, "slope", fit.slope());
            double intercept = SeriesHandlers.finite(NAME, s, i, "intercept", fit.intercept());
            ObjectNode entry = trends.addObject();
            entry.put("sensor_id", s.sensorId());
            entry.put("slope", SeriesStats.round4(slope));
            entry.put("direction", direction(slope, threshold));
            entry.put("intercept", SeriesStats.round4(intercept));
            entry.put("r_squared", SeriesStats.round4(fit.rSquared()));
            entry.put("n", s.size());
            if (fit.pValue() == null) {
                entry.putNull("p_value");
            } else {
                entry.put("p_value", fit.pValue().doubleValue());
            }
        }
        ObjectNode out = nodes.objectNode();
        out.set("trends", trends);
        out.put("series_checked", checked);
        out.put("slope_threshold", threshold);
        out.set("skipped", skipped);
        return out;
    }

    /** Classifies the unrounded slope, as the reference does. */
    static String direction(double slope, double threshold) {
        if (slope > threshold) {
            return INCREASING;
        }
        if (slope < -threshold) {
            return DECREASING;
        }
        return STABLE;
    }
}
