package dev.kiln.engine.testing;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.handlers.TaskContext;
import dev.kiln.handlers.TaskHandler;
import java.util.function.Function;

/** Small factories for handlers that tests script. */
public final class Handlers {
  private Handlers() {}

  public static TaskHandler of(String name, Function<TaskContext, ObjectNode> body) {
    return new TaskHandler() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean needsInput() {
        return false;
      }

      @Override
      public ObjectNode handle(TaskContext ctx) {
        return body.apply(ctx);
      }
    };
  }

  /** A handler that answers {"task": name} at once. */
  public static TaskHandler constant(String name) {
    return of(name, ctx -> JsonNodeFactory.instance.objectNode().put("task", name));
  }
}
