package dev.kiln.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/** Reads upstream outputs with errors that name the task, the upstream and the field. */
final class Upstream {

    private final String task;
    private final String upstreamName;
    private final JsonNode output;

    private Upstream(String task, String upstreamName, JsonNode output) {
        this.task = task;
        this.upstreamName = upstreamName;
        this.output = output;
    }

    static Upstream of(String task, Map<String, JsonNode> upstream, String upstreamName) {
        JsonNode output = upstream.get(upstreamName);
        if (output == null || output.isMissingNode() || output.isNull()) {
            throw new HandlerException(task, "upstream." + upstreamName,
                    task + ": upstream " + upstreamName + " is missing (have " + upstream.keySet() + ")");
        }
        if (!output.isObject()) {
            throw new HandlerException(task, "upstream." + upstreamName,
                    task + ": upstream " + upstreamName + " must be an object, got " + Params.describe(output));
        }
        return new Upstream(task, upstreamName, output);
    }

    /** The field as it is, or null when absent. */
    JsonNode get(String path) {
        return output.get(path);
    }

    JsonNode array(String path) {
        JsonNode node = at(path, "an array");
        if (!node.isArray()) {
            throw wrong(path, "an array", node);
        }
        return node;
    }

    /** The array at {@code path}, or null when the field is absent. */
    JsonNode optionalArray(String path) {
        JsonNode node = output.get(path);
        return node == null ? null : array(path);
    }

    double number(String path) {
        JsonNode node = at(path, "a number");
        if (!node.isNumber() || !Double.isFinite(node.doubleValue())) {
            throw wrong(path, "a number", node);
        }
        return node.doubleValue();
    }

    boolean bool(String path) {
        JsonNode node = at(path, "a boolean");
        if (!node.isBoolean()) {
            throw wrong(path, "a boolean", node);
        }
        return node.booleanValue();
    }

    /** {@code element} is the {@code index}th entry of the array at {@code path}; reads its text field. */
    String text(JsonNode element, String path, int index, String field) {
        String where = path + "[" + index + "]";
        if (!element.isObject()) {
            throw wrong(where, "an object", element);
        }
        JsonNode node = element.get(field);
        if (node == null || !node.isTextual()) {
            throw wrong(where + "." + field, "a string", node);
        }
        return node.textValue();
    }

    /** {@code element} is the {@code index}th entry of the array at {@code path}; it must be a string. */
    String text(JsonNode element, String path, int index) {
        if (!element.isTextual()) {
            throw wrong(path + "[" + index + "]", "a string", element);
        }
        return element.textValue();
    }

    HandlerException wrong(String path, String expected, JsonNode got) {
        return new HandlerException(task, "upstream." + upstreamName + "." + path,
                task + ": upstream " + upstreamName + "." + path + " must be " + expected
                        + (got == null ? ", but it is missing" : ", got " + Params.describe(got)));
    }

    private JsonNode at(String path, String expected) {
        JsonNode node = output.get(path);
        if (node == null) {
            throw wrong(path, expected, null);
        }
        return node;
    }
}
