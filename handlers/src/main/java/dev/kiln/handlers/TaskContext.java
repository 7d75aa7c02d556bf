package dev.kiln.handlers;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * What a {@link TaskHandler} gets to work with.
 *
 * @param taskType the task type being run (the handler's name)
 * @param input    the workflow input, or null when the handler does not {@linkplain TaskHandler#needsInput() need it}
 * @param upstream outputs of the upstream tasks, keyed by task name; never null
 * @param params   the task's params from the workflow spec (normally an object, maybe empty); never null
 */
public record TaskContext(String taskType, WorkflowInput input, Map<String, JsonNode> upstream, JsonNode params) {

    public TaskContext {
        // Callers promise non-null, but a null here would only surface later as an NPE deep in a handler.
        upstream = upstream == null ? Map.of() : upstream;
        params = params == null ? ObjectMappers.mapper().createObjectNode() : params;
    }
}
