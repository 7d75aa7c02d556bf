package dev.kiln.handlers;

import com.fasterxml.jackson.databind.JsonNode;

/** Reads numeric task params with errors that name the param. */
final class Params {

    private Params() {
    }

    /** A number {@code > 0}, or {@code fallback} when the param is absent. */
    static double positive(String task, JsonNode params, String name, double fallback) {
        JsonNode node = param(task, params, name);
        if (node == null) {
            return fallback;
        }
        double v = node.isNumber() ? node.doubleValue() : Double.NaN;
        if (!(Double.isFinite(v) && v > 0)) {
            throw invalid(task, name, "a positive number", node);
        }
        return v;
    }

    /** A number {@code >= 0}, or {@code fallback} when the param is absent. */
    static double nonNegative(String task, JsonNode params, String name, double fallback) {
        JsonNode node = param(task, params, name);
        if (node == null) {
            return fallback;
        }
        double v = node.isNumber() ? node.doubleValue() : Double.NaN;
        if (!(Double.isFinite(v) && v >= 0)) {
            throw invalid(task, name, "a non-negative number", node);
        }
        return v;
    }

    /** A non-empty string, or {@code fallback} when the param is absent. */
    static String string(String task, JsonNode params, String name, String fallback) {
        JsonNode node = param(task, params, name);
        if (node == null) {
            return fallback;
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw invalid(task, name, "a non-empty string", node);
        }
        return node.asText();
    }

    // An explicit null is rejected rather than defaulted: it is more likely a mistake than a request for the default.
    private static JsonNode param(String task, JsonNode params, String name) {
        if (params == null || params.isMissingNode() || params.isNull()) {
            return null;
        }
        if (!params.isObject()) {
            throw new HandlerException(task, "params", task + ": params must be an object");
        }
        return params.get(name);
    }

    private static HandlerException invalid(String task, String name, String expected, JsonNode got) {
        return new HandlerException(task, "params." + name,
                task + ": params." + name + " must be " + expected + ", got " + describe(got));
    }

    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        String text = node.toString();
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }
}
