package dev.kiln.engine.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kiln.handlers.HandlerRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkflowSpecsTest {
  private static final HandlerRegistry HANDLERS = HandlerRegistry.builtIn();

  private static WorkflowSpec parse(String json) {
    return WorkflowSpecs.parse("x.json", json.getBytes(StandardCharsets.UTF_8), HANDLERS);
  }

  @Test
  void the_built_in_manufacturing_spec_loads_in_dag_order() {
    WorkflowSpecs specs = WorkflowSpecs.load(HANDLERS, Optional.empty());
    WorkflowSpec spec = specs.find("manufacturing_analysis").orElseThrow();
    assertThat(spec.tasks()).extracting(TaskSpec::taskType)
        .containsExactly("detect_outliers", "analyze_trends", "synthesize", "verdict");
    assertThat(spec.task("synthesize").orElseThrow().dependsOn()).containsExactly("detect_outliers", "analyze_trends");
    assertThat(spec.task("verdict").orElseThrow().maxAttempts()).isEqualTo(3);
    assertThat(spec.sinks()).containsExactly("verdict");
  }

  @Test
  void a_cycle_is_refused_and_named() {
    assertThatThrownBy(() -> parse("""
        {"workflow_type": "w", "tasks": [
          {"task_type": "detect_outliers", "depends_on": ["verdict"]},
          {"task_type": "synthesize", "depends_on": ["detect_outliers"]},
          {"task_type": "verdict", "depends_on": ["synthesize"]},
          {"task_type": "analyze_trends"}]}"""))
        .isInstanceOf(SpecException.class)
        .hasMessage("x.json: the tasks form a cycle: detect_outliers -> synthesize -> verdict -> detect_outliers");
  }

  @Test
  void a_task_depending_on_itself_is_a_cycle() {
    assertThatThrownBy(() -> parse("{\"workflow_type\": \"w\", \"tasks\": [{\"task_type\": \"verdict\", \"depends_on\": [\"verdict\"]}]}"))
        .hasMessage("x.json: the tasks form a cycle: verdict -> verdict");
  }

  @Test
  void a_task_type_without_a_handler_is_refused() {
    assertThatThrownBy(() -> parse("{\"workflow_type\": \"w\", \"tasks\": [{\"task_type\": \"polish\"}]}"))
        .hasMessageStartingWith("x.json: task \"polish\" has no handler; known handlers: analyze_trends, detect_outliers, synthesize, verdict");
  }

  @Test
  void a_repeated_task_name_is_refused() {
    assertThatThrownBy(() -> parse("{\"workflow_type\": \"w\", \"tasks\": [{\"task_type\": \"verdict\"}, {\"task_type\": \"verdict\"}]}"))
        .hasMessage("x.json: task \"verdict\" is declared twice");
  }

  @Test
  void a_missing_dependency_is_refused() {
    assertThatThrownBy(() -> parse("{\"workflow_type\": \"w\", \"tasks\": [{\"task_type\": \"verdict\", \"depends_on\": [\"synthesise\"]}]}"))
        .hasMessage("x.json: task \"verdict\" depends on \"synthesise\", which is not a task of this workflow");
  }

  @Test
  void fields_of_the_wrong_type_are_refused_with_their_name() {
    assertThatThrownBy(() -> parse("{\"workflow_type\": \"w\", \"tasks\": [{\"task_type\": \"verdict\", \"depends_on\": \"synthesize\"}]}"))
        .hasMessage("x.json: task \"verdict\": depends_on must be an array of task names");
    assertThatThrownBy(() -> parse("{\"workflow_type\": \"w\", \"tasks\": [{\"task_type\": \"verdict\", \"max_attempts\": \"3\"}]}"))
        .hasMessage("x.json: task \"verdict\": max_attempts must be a whole number from 1 to 1000000, got \"3\"");
    assertThatThrownBy(() -> parse("{\"workflow_type\": \"w\", \"tasks\": [{\"task_type\": \"verdict\", \"timeout_s\": 0}]}"))
        .hasMessage("x.json: task \"verdict\": timeout_s must be a whole number from 1 to 1000000, got 0");
    assertThatThrownBy(() -> parse("{\"workflow_type\": \"w\", \"tasks\": [{\"task_type\": \"verdict\", \"params\": []}]}"))
        .hasMessage("x.json: task \"verdict\": params must be an object");
    assertThatThrownBy(() -> parse("{\"workflow_type\": 7, \"tasks\": [{\"task_type\": \"verdict\"}]}"))
        .hasMessage("x.json: workflow_type must be a string, got 7");
    assertThatThrownBy(() -> parse("{\"workflow_type\": \"w\", \"tasks\": []}"))
        .hasMessage("x.json: tasks must be a non-empty array");
    assertThatThrownBy(() -> parse("{\"workflow_type\": \"w\", \"tasks\": [{\"task_type\": \"verdict\", \"dependson\": []}]}"))
        .hasMessageStartingWith("x.json: task \"verdict\": unknown field \"dependson\"");
    assertThatThrownBy(() -> parse("{\"workflow_type\": \"w\""))
        .hasMessageStartingWith("x.json: not valid JSON");
  }

  @Test
  void specs_from_a_directory_load_beside_the_built_in_ones_and_may_not_redefine_them(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("quick.json"), "{\"workflow_type\": \"quick\", \"tasks\": [{\"task_type\": \"detect_outliers\"}]}");
    WorkflowSpecs specs = WorkflowSpecs.load(HANDLERS, Optional.of(dir));
    assertThat(specs.all()).extracting(WorkflowSpec::workflowType).containsExactly("manufacturing_analysis", "quick");
    assertThat(specs.find("quick").orElseThrow().source()).endsWith("quick.json");

    Files.writeString(dir.resolve("clash.json"), "{\"workflow_type\": \"manufacturing_analysis\", \"tasks\": [{\"task_type\": \"verdict\"}]}");
    assertThatThrownBy(() -> WorkflowSpecs.load(HANDLERS, Optional.of(dir)))
        .hasMessageContaining("clash.json: workflow_type \"manufacturing_analysis\" is already defined by classpath:workflows/manufacturing_analysis.json");
  }
}
