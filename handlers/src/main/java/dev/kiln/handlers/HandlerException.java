package dev.kiln.handlers;

/**
 * A task could not run because its params, its input or an upstream output is unusable; the message
 * is meant for the workflow's user, e.g. {@code "synthesize: upstream detect_outliers.outliers must be an array"}.
 */
public class HandlerException extends RuntimeException {

    private final String taskType;
    private final String field;

    /**
     * @param taskType the task type that failed, e.g. {@code "synthesize"}
     * @param field    what was wrong, as a path, e.g. {@code "upstream.detect_outliers.total_flagged"} or {@code "params.sigma"}
     * @param message  the whole human-readable sentence, returned verbatim by {@link #getMessage()}
     */
    public HandlerException(String taskType, String field, String message) {
        super(message);
        this.taskType = taskType;
        this.field = field;
    }

    public HandlerException(String taskType, String field, String message, Throwable cause) {
        super(message, cause);
        this.taskType = taskType;
        this.field = field;
    }

    public String taskType() {
        return taskType;
    }

    public String field() {
        return field;
    }
}
