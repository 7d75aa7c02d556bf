package dev.kiln.engine;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A wake-up for the roles of this process, published on the local event bus: from a PostgreSQL
 * notification, a reconnect (wake everything: notifications may have been missed), or a test.
 * {@code pending}: a workflow waits to be expanded; {@code orchestrator}: tasks of
 * {@code workflowIds} (or of any workflow, {@code allWorkflows}) reached a final state;
 * {@code worker}: a task may have become ready.
 */
public record Wake(
    long historyId, boolean pending, boolean orchestrator, boolean worker, boolean allWorkflows, List<Long> workflowIds) {
  public static final String ADDRESS = "kiln.wake";

  /** Wakes every role, asking orchestrators to look at every running workflow. */
  public static Wake everything() {
    return new Wake(0, true, true, true, true, List.of());
  }

  /** Parses the payload the schema's triggers send: {@code <history id>:<flags>:<workflow ids or *>}. */
  public static Wake parse(String payload) {
    String[] parts = payload.split(":", 3);
    long history = parts[0].isEmpty() ? 0 : Long.parseLong(parts[0]);
    String flags = parts.length > 1 ? parts[1] : "";
    String ids = parts.length > 2 ? parts[2] : "";
    List<Long> workflowIds = new ArrayList<>();
    boolean all = ids.equals("*");
    if (!all && !ids.isEmpty()) {
      for (String id : ids.split(",")) {
        workflowIds.add(Long.parseLong(id));
      }
    }
    return new Wake(history, flags.indexOf('p') >= 0, flags.indexOf('w') >= 0, flags.indexOf('t') >= 0, all,
        workflowIds);
  }

  public JsonObject toJson() {
    return new JsonObject().put("h", historyId).put("p", pending).put("o", orchestrator).put("w", worker)
        .put("all", allWorkflows)
        .put("ids", new JsonArray(new ArrayList<Object>(workflowIds)));
  }

  public static Wake fromJson(JsonObject json) {
    List<Long> ids = new ArrayList<>();
    json.getJsonArray("ids").forEach(o -> ids.add(((Number) o).longValue()));
    return new Wake(json.getLong("h"), json.getBoolean("p"), json.getBoolean("o"), json.getBoolean("w"),
        json.getBoolean("all"), ids);
  }

  public void publish(Vertx vertx) {
    vertx.eventBus().publish(ADDRESS, toJson());
  }
}
