package dev.kiln.handlers;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Pieces shared by the handlers that read the workflow input series. */
final class SeriesHandlers {

    static final String FEWER_THAN_TWO = "fewer than 2 values";

    private SeriesHandlers() {
    }

    static WorkflowInput requireInput(String task, TaskContext ctx) {
        if (ctx.input() == null) {
            throw new HandlerException(task, "input", task + ": the workflow input is missing");
        }
        return ctx.input();
    }

    /** Where a series sits in the input, for error messages, e.g. {@code sensor_readings[3]}. */
    static String fieldOf(Series s, int index) {
        return (s.isSensor() ? "sensor_readings[" : "measurements[") + index + "]";
    }

    /** Starts an output entry with the series' identifying fields, in the reference's order. */
    static ObjectNode identify(ObjectNode entry, Series s) {
        if (s.isSensor()) {
            entry.put("sensor_id", s.sensorId());
        } else {
            entry.put("part_id", s.partId());
            entry.put("dimension", s.dimension());
        }
        return entry;
    }

    static void addSkipped(ArrayNode skipped, Series s) {
        ObjectNode entry = identify(skipped.addObject(), s);
        entry.put("kind", kind(s));
        entry.put("reason", FEWER_THAN_TWO);
        entry.put("n", s.size());
    }

    static String kind(Series s) {
        return s.isSensor() ? "sensor" : "measurement";
    }

    /** Last line of defence for "no output field is ever NaN or Infinity". */
    static double finite(String task, Series s, int index, String what, double value) {
        if (!Double.isFinite(value)) {
            String field = fieldOf(s, index) + ".values";
            throw new HandlerException(task, field, task + ": the " + what + " of " + describe(s) + " (" + field
                    + ") is too large to represent as a double; its values span most of the double range");
        }
        return value;
    }

    static String describe(Series s) {
        return s.isSensor() ? "sensor " + s.sensorId() : "part " + s.partId() + " dimension " + s.dimension();
    }
}
