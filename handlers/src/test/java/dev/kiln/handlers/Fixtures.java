package dev.kiln.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/** Shorthands shared by the handler tests. */
final class Fixtures {

    private Fixtures() {
    }

    static JsonNode json(String text) {
        try {
            return ObjectMappers.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    static WorkflowInput sensors(Series... series) {
        return WorkflowInput.of(List.of(series), List.of(), null);
    }

    static ObjectNode run(TaskHandler handler, WorkflowInput input) {
        return run(handler, input, "{}");
    }

    static ObjectNode run(TaskHandler handler, WorkflowInput input, String params) {
        return handler.handle(new TaskContext(handler.name(), input, Map.of(), json(params)));
    }

    static ObjectNode runOn(TaskHandler handler, Map<String, JsonNode> upstream) {
        return handler.handle(new TaskContext(handler.name(), null, upstream, json("{}")));
    }

    static ObjectNode runOn(TaskHandler handler, Map<String, JsonNode> upstream, String params) {
        return handler.handle(new TaskContext(handler.name(), null, upstream, json(params)));
    }

    /** Every number anywhere in the tree is finite, and the tree survives a strict JSON round trip. */
    static void assertAllNumbersFinite(JsonNode node) {
        walk(node, "$");
        try {
            String text = ObjectMappers.mapper().writeValueAsString(node);
            assertThat(ObjectMappers.mapper().writeValueAsString(ObjectMappers.mapper().readTree(text))).isEqualTo(text);
        } catch (JsonProcessingException e) {
            throw new AssertionError("output is not valid JSON", e);
        }
    }

    private static void walk(JsonNode node, String path) {
        if (node.isNumber()) {
            assertThat(Double.isFinite(node.doubleValue())).as("%s = %s is finite", path, node).isTrue();
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), path + "[" + i + "]");
            }
        }
        node.fields().forEachRemaining(f -> walk(f.getValue(), path + "." + f.getKey()));
    }
}
