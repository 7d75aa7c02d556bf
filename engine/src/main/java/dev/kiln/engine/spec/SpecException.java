package dev.kiln.engine.spec;

/** A workflow spec Kiln refuses to run; the message names the file, the task and the problem. */
public final class SpecException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SpecException(String message) {
    super(message);
  }
}
