package dev.kiln.engine.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.handlers.HandlerRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The workflow specs a process knows: the built-in ones packaged in the jar plus an optional
 * directory. Loading validates every spec and refuses, naming file and task, anything that could
 * not run: repeated names, missing dependencies, cycles, task types without a handler, wrong types.
 */
public final class WorkflowSpecs {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,99}");
  private static final Set<String> WORKFLOW_FIELDS = Set.of("workflow_type", "description", "tasks");
  private static final Set<String> TASK_FIELDS = Set.of("task_type", "depends_on", "params", "max_attempts", "timeout_s", "description");

  private final Map<String, WorkflowSpec> byType;

  public WorkflowSpecs(Collection<WorkflowSpec> specs) {
    Map<String, WorkflowSpec> map = new TreeMap<>();
    for (WorkflowSpec s : specs) {
      WorkflowSpec previous = map.put(s.workflowType(), s);
      if (previous != null) {
        throw new SpecException(s.source() + ": workflow_type \"" + s.workflowType() + "\" is already defined by " + previous.source());
      }
    }
    this.byType = java.util.Collections.unmodifiableMap(map);
  }

  /** The specs packaged under {@code workflows/} in the jar, plus those in {@code extraDir}. */
  public static WorkflowSpecs load(HandlerRegistry handlers, Optional<Path> extraDir) {
    List<WorkflowSpec> specs = new ArrayList<>(builtIn(handlers));
    extraDir.ifPresent(dir -> specs.addAll(fromDirectory(dir, handlers)));
    return new WorkflowSpecs(specs);
  }

  public static List<WorkflowSpec> builtIn(HandlerRegistry handlers) {
    URL url = WorkflowSpecs.class.getClassLoader().getResource("workflows");
    if (url == null) {
      return List.of();
    }
    try {
      URI uri = url.toURI();
      if (uri.getScheme().equals("jar")) {
        FileSystem fs;
        try {
          fs = FileSystems.getFileSystem(uri);
        } catch (FileSystemNotFoundException e) {
          fs = FileSystems.newFileSystem(uri, Map.of());
        }
        return fromDirectory(fs.provider().getPath(uri), handlers, "classpath:workflows/");
      }
      return fromDirectory(Path.of(uri), handlers, "classpath:workflows/");
    } catch (URISyntaxException | IOException e) {
      throw new SpecException("classpath:workflows/: cannot list the built-in specs: " + e.getMessage());
    }
  }

  public static List<WorkflowSpec> fromDirectory(Path dir, HandlerRegistry handlers) {
    if (!Files.isDirectory(dir)) {
      throw new SpecException(dir + ": KILN_WORKFLOWS_DIR is not a directory");
    }
    return fromDirectory(dir, handlers, dir.toString() + "/");
  }

  private static List<WorkflowSpec> fromDirectory(Path dir, HandlerRegistry handlers, String label) {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.json")) {
      stream.forEach(files::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    files.sort(null);
    List<WorkflowSpec> specs = new ArrayList<>();
    for (Path file : files) {
      String source = label + file.getFileName();
      try (InputStream in = Files.newInputStream(file)) {
        specs.add(parse(source, in.readAllBytes(), handlers));
      } catch (IOException e) {
        throw new SpecException(source + ": cannot read: " + e.getMessage());
      }
    }
    return specs;
  }

  /** Parses and validates one spec document; {@code source} names it in errors. */
  public static WorkflowSpec parse(String source, byte[] json, HandlerRegistry handlers) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (IOException e) {
      throw new SpecException(source + ": not valid JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
    }
    if (root == null || !root.isObject()) {
      throw new SpecException(source + ": must be a JSON object with workflow_type and tasks");
    }
    unknownFields(source, "", root, WORKFLOW_FIELDS);
    String type = name(source, "workflow_type", root.get("workflow_type"));
    String description = optionalText(source, "description", root.get("description"));
    JsonNode tasksNode = root.get("tasks");
    if (tasksNode == null || !tasksNode.isArray() || tasksNode.isEmpty()) {
      throw new SpecException(source + ": tasks must be a non-empty array");
    }
    Map<String, TaskSpec> tasks = new LinkedHashMap<>();
    for (int i = 0; i < tasksNode.size(); i++) {
      TaskSpec t = task(source, i, tasksNode.get(i));
      if (tasks.put(t.taskType(), t) != null) {
        throw new SpecException(source + ": task \"" + t.taskType() + "\" is declared twice");
      }
    }
    for (TaskSpec t : tasks.values()) {
      for (String dep : t.dependsOn()) {
        if (!tasks.containsKey(dep)) {
          throw new SpecException(source + ": task \"" + t.taskType() + "\" depends on \"" + dep + "\", which is not a task of this workflow");
        }
      }
      if (handlers.find(t.taskType()).isEmpty()) {
        throw new SpecException(source + ": task \"" + t.taskType() + "\" has no handler; known handlers: "
            + String.join(", ", new java.util.TreeSet<>(handlers.names())));
      }
    }
    return new WorkflowSpec(type, description, topologicalOrder(source, tasks), source);
  }

  private static TaskSpec task(String source, int index, JsonNode node) {
    String where = "tasks[" + index + "]";
    if (!node.isObject()) {
      throw new SpecException(source + ": " + where + " must be an object");
    }
    String type = name(source, where + ".task_type", node.get("task_type"));
    where = "task \"" + type + "\"";
    unknownFields(source, where, node, TASK_FIELDS);
    List<String> deps = new ArrayList<>();
    JsonNode depsNode = node.get("depends_on");
    if (depsNode != null && !depsNode.isNull()) {
      if (!depsNode.isArray()) {
        throw new SpecException(source + ": " + where + ": depends_on must be an array of task names");
      }
      for (JsonNode d : depsNode) {
        if (!d.isTextual()) {
          throw new SpecException(source + ": " + where + ": depends_on must contain task names (strings), got " + d);
        }
        if (deps.contains(d.asText())) {
          throw new SpecException(source + ": " + where + ": depends_on names \"" + d.asText() + "\" twice");
        }
        deps.add(d.asText());
      }
    }
    JsonNode paramsNode = node.get("params");
    ObjectNode params;
    if (paramsNode == null || paramsNode.isNull()) {
      params = JsonNodeFactory.instance.objectNode();
    } else if (paramsNode.isObject()) {
      params = (ObjectNode) paramsNode;
    } else {
      throw new SpecException(source + ": " + where + ": params must be an object");
    }
    int maxAttempts = positiveInt(source, where, "max_attempts", node.get("max_attempts"), TaskSpec.DEFAULT_MAX_ATTEMPTS);
    JsonNode timeoutNode = node.get("timeout_s");
    Integer timeout = timeoutNode == null || timeoutNode.isNull() ? null : positiveInt(source, where, "timeout_s", timeoutNode, 0);
    return new TaskSpec(type, deps, params, maxAttempts, timeout);
  }

  private static int positiveInt(String source, String where, String field, JsonNode node, int dflt) {
    if (node == null || node.isNull()) {
      return dflt;
    }
    if (!node.isIntegralNumber() || node.asLong() < 1 || node.asLong() > 1_000_000) {
      throw new SpecException(source + ": " + where + ": " + field + " must be a whole number from 1 to 1000000, got " + node);
    }
    return node.asInt();
  }

  private static String name(String source, String field, JsonNode node) {
    if (node == null || !node.isTextual()) {
      throw new SpecException(source + ": " + field + " must be a string" + (node == null ? " (missing)" : ", got " + node));
    }
    if (!NAME.matcher(node.asText()).matches()) {
      throw new SpecException(source + ": " + field + " \"" + node.asText()
          + "\" must start with a letter and use only letters, digits, '_', '.', '-' (at most 100)");
    }
    return node.asText();
  }

  private static String optionalText(String source, String field, JsonNode node) {
    if (node == null || node.isNull()) {
      return "";
    }
    if (!node.isTextual()) {
      throw new SpecException(source + ": " + field + " must be a string, got " + node);
    }
    return node.asText();
  }

  private static void unknownFields(String source, String where, JsonNode node, Set<String> known) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f)) {
        throw new SpecException(source + ": " + (where.isEmpty() ? "" : where + ": ") + "unknown field \"" + f
            + "\"; known fields: " + String.join(", ", new java.util.TreeSet<>(known)));
      }
    }
  }

  /** Kahn's algorithm in declaration order; on a cycle, names it (a -> b -> a). */
  private static List<TaskSpec> topologicalOrder(String source, Map<String, TaskSpec> tasks) {
    Map<String, Integer> indegree = new HashMap<>();
    tasks.values().forEach(t -> indegree.put(t.taskType(), t.dependsOn().size()));
    Deque<String> ready = new ArrayDeque<>();
    tasks.values().stream().filter(t -> t.dependsOn().isEmpty()).forEach(t -> ready.add(t.taskType()));
    List<TaskSpec> order = new ArrayList<>();
    while (!ready.isEmpty()) {
      TaskSpec t = tasks.get(ready.poll());
      order.add(t);
      for (TaskSpec d : tasks.values()) {
        if (d.dependsOn().contains(t.taskType()) && indegree.merge(d.taskType(), -1, Integer::sum) == 0) {
          ready.add(d.taskType());
        }
      }
    }
    if (order.size() < tasks.size()) {
      throw new SpecException(source + ": the tasks form a cycle: " + String.join(" -> ", findCycle(tasks, indegree)));
    }
    return order;
  }

  private static List<String> findCycle(Map<String, TaskSpec> tasks, Map<String, Integer> indegree) {
    // Every task left with indegree > 0 has an unfinished dependency that is also left; walking
    // dependencies from one of them must revisit a task, and that loop is the cycle.
    String start = indegree.entrySet().stream().filter(e -> e.getValue() > 0).map(Map.Entry::getKey).sorted().findFirst().orElseThrow();
    List<String> path = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    String current = start;
    while (seen.add(current)) {
      path.add(current);
      current = tasks.get(current).dependsOn().stream().filter(d -> indegree.get(d) > 0).findFirst().orElseThrow();
    }
    List<String> cycle = new ArrayList<>(path.subList(path.indexOf(current), path.size()));
    java.util.Collections.reverse(cycle); // dependency order reads as "runs before"
    // Start at the task declared first, so the message is the same however the walk began.
    List<String> declared = new ArrayList<>(tasks.keySet());
    String first = cycle.stream().min(java.util.Comparator.comparingInt(declared::indexOf)).orElseThrow();
    java.util.Collections.rotate(cycle, -cycle.indexOf(first));
    cycle.add(cycle.get(0));
    return cycle;
  }

  public Optional<WorkflowSpec> find(String workflowType) {
    return Optional.ofNullable(byType.get(workflowType));
  }

  public Collection<WorkflowSpec> all() {
    return byType.values();
  }

  /** Every task of every spec as one JSON array, the shape the expand statement reads. */
  public String taskRowsJson() {
    ArrayNode rows = JsonNodeFactory.instance.arrayNode();
    for (WorkflowSpec spec : byType.values()) {
      List<String> sinks = spec.sinks();
      for (TaskSpec t : spec.tasks()) {
        ObjectNode row = rows.addObject();
        row.put("workflow_type", spec.workflowType());
        row.put("task_type", t.taskType());
        // No task of the spec depends on it: the finaliser takes the result from these (V7).
        row.put("sink", sinks.contains(t.taskType()));
        ArrayNode deps = row.putArray("depends_on");
        t.dependsOn().forEach(deps::add);
        row.set("params", t.params());
        row.put("max_attempts", t.maxAttempts());
        if (t.timeoutSeconds() == null) {
          row.putNull("timeout_s");
        } else {
          row.put("timeout_s", t.timeoutSeconds());
        }
      }
    }
    return rows.toString();
  }
}
