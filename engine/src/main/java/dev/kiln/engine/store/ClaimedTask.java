package dev.kiln.engine.store;

/**
 * A task a worker now holds for one attempt. {@code attempt} is the fencing token: every later
 * write about this task names it, so a worker that lost its lease cannot overwrite a newer attempt.
 * {@code input} is null for task types that do not read the workflow input; tasks of one workflow
 * claimed together share it. {@code waitedMillis} is how long it was ready before this claim (the claim latency).
 */
public record ClaimedTask(
    long id,
    long workflowId,
    String taskType,
    int attempt,
    int maxAttempts,
    Integer timeoutSeconds,
    String paramsJson,
    SharedInput input,
    String upstreamJson,
    double waitedMillis) {}
