package dev.kiln.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lowers the CPU priority of the threads that do Kiln's batch work (handlers, checking and
 * compressing bodies), so that when that work saturates the cores, the event loops that answer
 * {@code GET /status} get a core first. On Linux a thread may raise its own nice value without
 * privileges: each such thread runs {@code renice} on its own thread id (from /proc/thread-self)
 * the first time it works. Elsewhere, or if that fails, it logs once and changes nothing.
 * {@code KILN_BACKGROUND_NICE=0} turns it off.
 *
 * <p>The same applies to the embedded PostgreSQL's processes serving the engine's sessions
 * ({@link #applyToProcess}). Each PostgreSQL backend leads a session of its own, so under Linux's
 * autogroup scheduling (on by default on desktops and many servers) it is a scheduling group of its
 * own, weighed equal to the whole JVM: there its own nice value changes nothing, its group's does.
 */
public final class BackgroundPriority {
  private static final Logger log = LoggerFactory.getLogger(BackgroundPriority.class);

  private final int nice;
  private final ThreadLocal<Boolean> applied = ThreadLocal.withInitial(() -> false);
  /** One warning per process: the worker, the API and the engine's pool each hold an instance. */
  private static final AtomicBoolean warned = new AtomicBoolean();

  public BackgroundPriority(int nice) {
    if (nice < 0 || nice > 19) {
      throw new IllegalArgumentException("nice must be 0 to 19: " + nice);
    }
    this.nice = nice;
  }

  /** Gives the calling thread the background priority, once per thread; blocking (a few ms, once). */
  public void applyToCurrentThread() {
    if (nice == 0 || applied.get()) {
      return;
    }
    applied.set(true);
    try {
      // "/proc/thread-self" links to "<pid>/task/<tid>".
      renice(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      warnOnce(e.toString());
    }
  }

  /**
   * Gives the JVM's JIT compiler threads the background priority. A fresh process compiles for
   * its first minute or two of load (on two cores, C2 took about 9 s of CPU during the first 5,000
   * tiny workflows), and at normal priority that competes with the event loops for the cores.
   * Compiler threads the JVM starts later are created by these and inherit their nice value.
   * Blocking (a few ms per thread); does nothing where there is no /proc.
   */
  public void applyToJitCompilers() {
    if (nice == 0) {
      return;
    }
    Path tasks = Path.of("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      return;
    }
    try (var threads = Files.list(tasks)) {
      for (Path thread : (Iterable<Path>) threads::iterator) {
        String name;
        try {
          name = Files.readString(thread.resolve("comm")).strip();
        } catch (IOException gone) { // the thread ended while we listed
          continue;
        }
        // HotSpot names them "C1 CompilerThread0", "C2 CompilerThread0", "JVMCI CompilerThread0"
        // (comm keeps 15 characters).
        if (name.contains("CompilerThre")) {
          renice(thread.getFileName().toString());
        }
      }
    } catch (IOException | SecurityException e) {
      warnOnce("listing " + tasks + ": " + e);
    }
  }

  /**
   * Gives process {@code pid}, one of the same user's, the background priority: its nice value,
   * and, when it leads its own session, its autogroup's (/proc/PID/autogroup). Blocking (a few ms).
   */
  public void applyToProcess(long pid) {
    if (nice == 0) {
      return;
    }
    String id = Long.toString(pid);
    renice(id);
    Path proc = Path.of("/proc", id);
    Path group = proc.resolve("autogroup");
    try {
      if (Files.exists(group) && leadsItsSession(proc)) {
        Files.writeString(group, Integer.toString(nice));
      }
    } catch (IOException | SecurityException e) {
      warnOnce("writing " + group + ": " + e);
    }
  }

  /** Whether the process's session id (field 6 of /proc/PID/stat) is its own id. */
  private static boolean leadsItsSession(Path proc) throws IOException {
    String stat = Files.readString(proc.resolve("stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return fields[3].equals(proc.getFileName().toString()); // fields[0] is field 3
  }

  private void renice(String id) {
    try {
      Process renice = new ProcessBuilder("renice", "-n", Integer.toString(nice), "-p", id)
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!renice.waitFor(5, TimeUnit.SECONDS)) {
        renice.destroyForcibly();
        warnOnce("renice did not finish");
      } else if (renice.exitValue() != 0) {
        warnOnce("renice exited with " + renice.exitValue());
      }
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      warnOnce(e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void warnOnce(String why) {
    if (warned.compareAndSet(false, true)) {
      log.warn("could not lower the priority of background work ({}); it runs at normal priority. "
          + "Set KILN_BACKGROUND_NICE=0 to stop trying.", why);
    }
  }
}
