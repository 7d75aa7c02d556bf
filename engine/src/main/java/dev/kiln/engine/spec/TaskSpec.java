package dev.kiln.engine.spec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** One node of a workflow DAG as declared in a spec file. */
public record TaskSpec(String taskType, List<String> dependsOn, ObjectNode params, int maxAttempts, Integer timeoutSeconds) {
  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  public TaskSpec {
    dependsOn = List.copyOf(dependsOn);
  }
}
