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
 */
public final class BackgroundPriority {
  private static final Logger log = LoggerFactory.getLogger(BackgroundPriority.class);

  private final int nice;
  private final ThreadLocal<Boolean> applied = ThreadLocal.withInitial(() -> false);
  private final AtomicBoolean warned = new AtomicBoolean();

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
      String tid = Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
      Process renice = new ProcessBuilder("renice", "-n", Integer.toString(nice), "-p", tid)
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
      log.warn("could not lower the priority of background threads ({}); they run at normal priority. "
          + "Set KILN_BACKGROUND_NICE=0 to stop trying.", why);
    }
  }
}
