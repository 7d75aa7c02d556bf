package dev.kiln.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.engine.testing.EngineHarness;
import dev.kiln.handlers.HandlerRegistry;
import dev.kiln.handlers.SamplePayloads;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BackgroundPriorityTest {

  /** A thread's nice value, field 19 of its /proc stat (after the parenthesised name). */
  private static int nice(Path task) {
    try {
      String stat = Files.readString(task.resolve("stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Integer.parseInt(fields[16]); // field 19 overall; fields[0] is field 3
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path threadSelf() {
    try {
      return Path.of("/proc").resolve(Files.readSymbolicLink(Path.of("/proc/thread-self")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void assumeLinuxWithRenice() {
    assumeTrue(Files.exists(Path.of("/proc/thread-self")), "Linux /proc");
    assumeTrue(Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, "renice"))),
        "renice on the PATH");
  }

  @Test
  void lowers_the_calling_thread_only_and_only_once() throws Exception {
    assumeLinuxWithRenice();
    BackgroundPriority priority = new BackgroundPriority(7);
    AtomicInteger mine = new AtomicInteger(-1);
    AtomicInteger again = new AtomicInteger(-1);
    Thread t = new Thread(() -> {
      priority.applyToCurrentThread();
      mine.set(nice(threadSelf()));
      priority.applyToCurrentThread(); // a second call must not run renice again (or fail)
      again.set(nice(threadSelf()));
    });
    int before = nice(threadSelf());
    t.start();
    t.join();
    assertThat(mine.get()).isEqualTo(7);
    assertThat(again.get()).isEqualTo(7);
    assertThat(nice(threadSelf())).as("the test's own thread is untouched").isEqualTo(before);
  }

  @Test
  void zero_changes_nothing_and_values_outside_0_to_19_are_refused() throws Exception {
    assumeLinuxWithRenice();
    AtomicInteger seen = new AtomicInteger(-1);
    int before = nice(threadSelf());
    Thread t = new Thread(() -> {
      new BackgroundPriority(0).applyToCurrentThread();
      seen.set(nice(threadSelf()));
    });
    t.start();
    t.join();
    assertThat(seen.get()).isEqualTo(before);
    assertThatThrownBy(() -> new BackgroundPriority(20)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BackgroundPriority(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void a_worker_runs_its_handlers_at_the_configured_priority() throws Exception {
    assumeLinuxWithRenice();
    String spec = Files.readString(Path.of("../workflows/manufacturing_analysis.json"));
    try (EngineHarness h = EngineHarness.create(HandlerRegistry.builtIn(), List.of(spec), Clock.systemUTC(),
        Map.of("KILN_BACKGROUND_NICE", "5")).startEngine()) {
      long id = h.submit("manufacturing_analysis", SamplePayloads.tiny());
      h.awaitWorkflowStatus(id, "completed", Duration.ofSeconds(30));
      List<Integer> handlerThreads = new ArrayList<>();
      try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
        for (Path task : tasks.toList()) {
          if (Files.readString(task.resolve("comm")).startsWith("kiln-handlers")) {
            handlerThreads.add(nice(task));
          }
        }
      }
      // Other tests' workers (at the default, 10) may share this JVM; 5 is this harness's alone.
      assertThat(handlerThreads).as("nice values of the threads named kiln-handlers").contains(5);
    }
  }

  /** A process's autogroup nice value ("/autogroup-123 nice 10"), or empty without autogroup support. */
  static OptionalInt groupNice(long pid) throws IOException {
    Path group = Path.of("/proc", Long.toString(pid), "autogroup");
    if (!Files.exists(group)) {
      return OptionalInt.empty();
    }
    String line = Files.readString(group).trim();
    return OptionalInt.of(Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1)));
  }

  private static long session(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3]);
  }

  private static Process sleeper(String... prefix) throws IOException {
    List<String> command = new ArrayList<>(List.of(prefix));
    command.addAll(List.of("sleep", "60"));
    return new ProcessBuilder(command).start();
  }

  @Test
  void lowers_a_process_that_leads_its_session_and_its_scheduling_group() throws Exception {
    assumeLinuxWithRenice();
    // setsid(1) execs sleep in a new session (it forks only when already a group leader, which a
    // child of the JVM is not), as PostgreSQL does for each backend.
    Process leader = sleeper("setsid");
    try {
      assumeTrue(awaitSession(leader), "setsid started sleep as its own session");
      new BackgroundPriority(6).applyToProcess(leader.pid());
      assertThat(nice(Path.of("/proc", Long.toString(leader.pid())))).isEqualTo(6);
      groupNice(leader.pid()).ifPresent(n -> assertThat(n).as("its autogroup").isEqualTo(6));
    } finally {
      leader.destroyForcibly().waitFor();
    }
  }

  private static boolean awaitSession(Process p) throws Exception {
    for (int i = 0; i < 200 && p.isAlive(); i++) {
      if (session(p.pid()) == p.pid()) {
        return true;
      }
      Thread.sleep(10);
    }
    return false;
  }

  @Test
  void leaves_the_scheduling_group_alone_when_the_process_shares_it() throws Exception {
    assumeLinuxWithRenice();
    long me = ProcessHandle.current().pid();
    OptionalInt before = groupNice(me);
    Process follower = sleeper(); // in the JVM's session, so in the JVM's autogroup
    try {
      new BackgroundPriority(6).applyToProcess(follower.pid());
      assertThat(nice(Path.of("/proc", Long.toString(follower.pid())))).isEqualTo(6);
      assertThat(groupNice(me)).as("the JVM's own autogroup, shared with the child").isEqualTo(before);
    } finally {
      follower.destroyForcibly().waitFor();
    }
  }

  @Test
  void a_process_that_is_gone_or_zero_changes_nothing_and_throws_nothing() throws Exception {
    assumeLinuxWithRenice();
    // No process has pid_max as its id: ids run below it.
    long noSuchProcess = Long.parseLong(Files.readString(Path.of("/proc/sys/kernel/pid_max")).trim());
    new BackgroundPriority(6).applyToProcess(noSuchProcess);
    Process child = sleeper();
    try {
      new BackgroundPriority(0).applyToProcess(child.pid());
      assertThat(nice(Path.of("/proc", Long.toString(child.pid())))).isEqualTo(nice(threadSelf()));
    } finally {
      child.destroyForcibly().waitFor();
    }
  }
}
