package dev.kiln.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * {@code verdict}: the workflow's result. {@code FAIL} when the synthesis has critical outliers and
 * unstable sensors, {@code WARNING} when it has exactly one of the two, else {@code PASS}; with
 * {@code summary} "Outliers: X, Unstable sensors: Y" and every field of the synthesis copied in.
 *
 * <p>The synthesis is the upstream named {@code synthesize}, or the one named by param {@code synthesis_from}.
 */
public final class VerdictHandler implements TaskHandler {

    public static final String NAME = "verdict";

    public static final String PASS = "PASS";
    public static final String WARNING = "WARNING";
    public static final String FAIL = "FAIL";

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
        String from = Params.string(NAME, ctx.params(), "synthesis_from", SynthesizeHandler.NAME);
        Upstream synthesis = Upstream.of(NAME, ctx.upstream(), from);
        boolean critical = synthesis.bool("has_critical_outliers");
        JsonNode unstable = synthesis.array("unstable_sensors");
        for (int i = 0; i < unstable.size(); i++) {
            synthesis.text(unstable.get(i), "unstable_sensors", i);
        }
        JsonNode outliers = synthesis.array("outliers");

        boolean anyUnstable = unstable.size() > 0;
        String verdict = critical && anyUnstable ? FAIL : critical || anyUnstable ? WARNING : PASS;

        ObjectNode out = ObjectMappers.nodes().objectNode();
        out.put("verdict", verdict);
        out.put("summary", "Outliers: " + outliers.size() + ", Unstable sensors: " + unstable.size());
        Iterator<Map.Entry<String, JsonNode>> fields = ctx.upstream().get(from).fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            // The verdict's own fields win over a synthesis that happens to carry the same names.
            if (!out.has(f.getKey())) {
                out.set(f.getKey(), f.getValue());
            }
        }
        return out;
    }
}
