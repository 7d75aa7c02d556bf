package dev.kiln.engine;

import static dev.kiln.engine.testing.Proc.groupNice;
import static dev.kiln.engine.testing.Proc.nice;
import static dev.kiln.engine.testing.Proc.session;
import static dev.kiln.engine.testing.Proc.threadSelf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kiln.engine.testing.EngineHarness;
import dev.kiln.engine.testing.Proc;
import dev.kiln.handlers.HandlerRegistry;
import dev.kiln.handlers.SamplePayloads;
import java.io.IOException;
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
      List<Integer> handlerThreads = Proc.threadNices("kiln-handlers");
      // Other tests' workers (at the default, 10) may share this JVM; 5 is this harness's alone.
      assertThat(handlerThreads).as("nice values of the threads named kiln-handlers").contains(5);
    }
  }

  @Test
  void lowers_the_jit_compiler_threads_and_no_other() throws Exception {
    assumeLinuxWithRenice();
    List<Integer> compilers = new ArrayList<>(Proc.threadNices("C1 CompilerThre"));
    compilers.addAll(Proc.threadNices("C2 CompilerThre"));
    assumeTrue(!compilers.isEmpty(), "a JVM with JIT compiler threads (not -Xint)");
    int mine = nice(threadSelf());

    new BackgroundPriority(9).applyToJitCompilers();

    List<Integer> after = new ArrayList<>(Proc.threadNices("C1 CompilerThre"));
    after.addAll(Proc.threadNices("C2 CompilerThre"));
    assertThat(after).as("nice values of the JIT compiler threads").isNotEmpty().containsOnly(9);
    assertThat(nice(threadSelf())).as("the calling thread").isEqualTo(mine);
    assertThat(Proc.threadNices("VM Thread")).as("HotSpot's VM thread").isNotEmpty().doesNotContain(9);
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
      assertThat(nice(Proc.of(leader.pid()))).isEqualTo(6);
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
    // Empty when the JVM is in the kernel's default group (no session of its own since init's):
    // then there is no group of the JVM's to protect, and only the child's nice value is checked.
    OptionalInt before = groupNice(me);
    Process follower = sleeper(); // in the JVM's session, so in the JVM's autogroup
    try {
      new BackgroundPriority(6).applyToProcess(follower.pid());
      assertThat(nice(Proc.of(follower.pid()))).isEqualTo(6);
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
      assertThat(nice(Proc.of(child.pid()))).isEqualTo(nice(threadSelf()));
    } finally {
      child.destroyForcibly().waitFor();
    }
  }
}
