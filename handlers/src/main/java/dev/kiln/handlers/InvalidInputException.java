package dev.kiln.handlers;

/**
 * A workflow input body was rejected; {@link #field()} locates the problem as a JSON path such as
 * {@code sensor_readings[3].values[17]} ({@code $} for the body as a whole) and {@link #getMessage()}
 * says what is wrong with it, e.g. {@code "must be a finite number"}.
 */
public class InvalidInputException extends RuntimeException {

    private final String field;

    public InvalidInputException(String field, String message) {
        super(message);
        this.field = field;
    }

    public InvalidInputException(String field, String message, Throwable cause) {
        super(message, cause);
        this.field = field;
    }

    public String field() {
        return field;
    }

    /** Includes the field, so that a logged exception is useful on its own. */
    @Override
    public String toString() {
        return getClass().getName() + ": " + field + ": " + getMessage();
    }
}
