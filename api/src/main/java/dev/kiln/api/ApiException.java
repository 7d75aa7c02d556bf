package dev.kiln.api;

import io.vertx.core.json.JsonObject;

/** A request Kiln refuses, with the HTTP status and the JSON body the client gets. */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String error;
  private final String field;

  public ApiException(int status, String error, String field, String message) {
    super(message, null, false, false);
    this.status = status;
    this.error = error;
    this.field = field;
  }

  public static ApiException badRequest(String field, String message) {
    return new ApiException(400, "invalid_input", field, message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, "not_found", null, message);
  }

  public int status() {
    return status;
  }

  public JsonObject body() {
    JsonObject body = new JsonObject().put("error", error);
    if (field != null) {
      body.put("field", field);
    }
    if (getMessage() != null) {
      body.put("message", getMessage());
    }
    return body;
  }
}
