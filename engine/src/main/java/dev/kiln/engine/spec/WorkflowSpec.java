package dev.kiln.engine.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A validated workflow DAG: its tasks in a topological order, and where it came from. */
public record WorkflowSpec(String workflowType, String description, List<TaskSpec> tasks, String source) {

  public WorkflowSpec {
    tasks = List.copyOf(tasks);
  }

  public Optional<TaskSpec> task(String taskType) {
    return tasks.stream().filter(t -> t.taskType().equals(taskType)).findFirst();
  }

  /** The tasks nothing else depends on; the workflow's result is their output. */
  public List<String> sinks() {
    List<String> sinks = new ArrayList<>();
    for (TaskSpec t : tasks) {
      if (tasks.stream().noneMatch(o -> o.dependsOn().contains(t.taskType()))) {
        sinks.add(t.taskType());
      }
    }
    return sinks;
  }
}
