package dev.kiln.engine.store;

import java.util.Map;

/**
 * A task a worker now holds for one attempt. {@code attempt} is the fencing token: every later
 * write about this task names it, so a worker that lost its lease cannot overwrite a newer attempt.
 * {@code input} is null for task types that do not read the workflow input; tasks of one workflow
 * claimed together share it. {@code upstream} holds the stored outputs ({@link StoredOutput}) of the
 * tasks it depends on, by task type. {@code waitedMillis} is how long it was ready before this claim
 * (the claim latency).
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
    Map<String, byte[]> upstream,
    double waitedMillis) {}
