package dev.kiln.engine.store;

/**
 * A task a worker now holds for one attempt. {@code attempt} is the fencing token: every later
 * write about this task names it, so a worker that lost its lease cannot overwrite a newer attempt.
 * {@code waitedMillis} is how long it was ready before this claim (the claim latency).
 */
public record ClaimedTask(
    long id,
    long workflowId,
    String taskType,
    int attempt,
    int maxAttempts,
    Integer timeoutSeconds,
    String paramsJson,
    String inputJson,
    String upstreamJson,
    double waitedMillis) {}
