package dev.kiln.handlers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * {@code detect_outliers}: flags values more than {@code sigma} (default 2) population standard
 * deviations from their series' mean, in every sensor and measurement series of at least 2 values.
 *
 * <p>Output: {@code outliers} (one entry per series with at least one flagged value: id fields,
 * {@code outliers} values in input order, {@code mean}, {@code std} rounded to 4 places, plus
 * {@code kind}, {@code n}, {@code indexes}), {@code total_flagged} (number of such series, as the
 * reference counts), {@code values_flagged}, {@code series_checked}, {@code sigma} and {@code skipped}.
 */
public final class DetectOutliersHandler implements TaskHandler {

    public static final String NAME = "detect_outliers";
    public static final double DEFAULT_SIGMA = 2.0;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ObjectNode handle(TaskContext ctx) {
        WorkflowInput input = SeriesHandlers.requireInput(NAME, ctx);
        double sigma = Params.positive(NAME, ctx.params(), "sigma", DEFAULT_SIGMA);
        JsonNodeFactory nodes = ObjectMappers.nodes();
        ArrayNode outliers = nodes.arrayNode();
        ArrayNode skipped = nodes.arrayNode();
        Counts counts = new Counts();
        scan(input.sensors(), sigma, outliers, skipped, counts);
        scan(input.measurements(), sigma, outliers, skipped, counts);

        ObjectNode out = nodes.objectNode();
        out.set("outliers", outliers);
        out.put("total_flagged", outliers.size());
        out.put("values_flagged", counts.values);
        out.put("series_checked", counts.series);
        out.put("sigma", sigma);
        out.set("skipped", skipped);
        return out;
    }

    private static final class Counts {
        int series;
        long values;
    }

    private static void scan(List<Series> list, double sigma, ArrayNode outliers, ArrayNode skipped, Counts counts) {
        for (int i = 0; i < list.size(); i++) {
            Series s = list.get(i);
            double[] values = s.values();
            if (values.length < 2) {
                SeriesHandlers.addSkipped(skipped, s);
                continue;
            }
            counts.series++;
            SeriesStats.Spread spread = SeriesStats.spread(values, sigma);
            int[] idx = spread.outlierIndexes();
            if (idx.length == 0) {
                continue;
            }
            counts.values += idx.length;
            ObjectNode entry = SeriesHandlers.identify(outliers.addObject(), s);
            // Sized up front: a noisy series can flag thousands of values.
            ArrayNode flagged = new ArrayNode(ObjectMappers.nodes(), idx.length);
            ArrayNode indexes = new ArrayNode(ObjectMappers.nodes(), idx.length);
            for (int j : idx) {
                flagged.add(values[j]);
                indexes.add(j);
            }
            entry.set("outliers", flagged);
            entry.put("mean", SeriesStats.round4(SeriesHandlers.finite(NAME, s, i, "mean", spread.mean())));
            entry.put("std", SeriesStats.round4(SeriesHandlers.finite(NAME, s, i, "standard deviation", spread.std())));
            entry.put("kind", SeriesHandlers.kind(s));
            entry.put("n", values.length);
            entry.set("indexes", indexes);
        }
    }
}
