package dev.kiln.handlers;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** One kind of workflow task: turns the workflow input and upstream outputs into a JSON output. */
public interface TaskHandler {

    /** The task type this handler runs, e.g. {@code "detect_outliers"}. */
    String name();

    /**
     * Whether {@link TaskContext#input()} must be supplied. Handlers that only combine upstream
     * outputs return false so the engine can avoid loading a possibly 15 MB workflow input.
     */
    default boolean needsInput() {
        return true;
    }

    /**
     * Runs the task. Must not mutate the input, the upstream nodes or the params.
     *
     * @throws HandlerException when the params, the input or an upstream output is unusable
     */
    ObjectNode handle(TaskContext ctx);
}
