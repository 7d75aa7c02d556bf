package dev.kiln.engine.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;

/** Reads scheduling facts from Linux's /proc, for the tests of Kiln's background priority. */
public final class Proc {
  private Proc() {}

  /** A process's /proc directory. */
  public static Path of(long pid) {
    return Path.of("/proc", Long.toString(pid));
  }

  /** The calling thread's /proc directory ("/proc/thread-self" links to "PID/task/TID"). */
  public static Path threadSelf() {
    try {
      return Path.of("/proc").resolve(Files.readSymbolicLink(Path.of("/proc/thread-self")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The nice values of this JVM's threads whose name starts with {@code namePrefix}. A thread that
   * exits between the listing and the reads of its files is skipped: the JVM's threads come and go
   * (pool threads idle out, other tests' engines stop) while the scan runs.
   */
  public static List<Integer> threadNices(String namePrefix) throws IOException {
    List<Integer> nices = new ArrayList<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
      for (Path task : tasks.toList()) {
        try {
          if (Files.readString(task.resolve("comm")).startsWith(namePrefix)) {
            nices.add(nice(task));
          }
        } catch (IOException | UncheckedIOException e) {
          if (Files.exists(task)) {
            throw e; // not a thread that went away
          }
        }
      }
    }
    return nices;
  }

  /** Fields of {@code dir}'s stat from field 3 on: after the parenthesised name, which may hold spaces. */
  private static String[] statFields(Path dir) {
    try {
      String stat = Files.readString(dir.resolve("stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The nice value of the process or thread whose /proc directory is {@code dir} (stat field 19). */
  public static int nice(Path dir) {
    return Integer.parseInt(statFields(dir)[16]);
  }

  /** The session id of process {@code pid} (stat field 6). */
  public static long session(long pid) {
    return Long.parseLong(statFields(of(pid))[3]);
  }

  /**
   * The nice value of process {@code pid}'s autogroup ("/autogroup-123 nice 10"). Empty without
   * autogroups, and for a process in the kernel's default group, which has none of its own: there
   * the file is empty (as for a process whose session descends from init's without a setsid, such
   * as a CI job run straight under the machine's init).
   */
  public static OptionalInt groupNice(long pid) {
    Path group = of(pid).resolve("autogroup");
    if (!Files.exists(group)) {
      return OptionalInt.empty();
    }
    try {
      String line = Files.readString(group).trim();
      if (line.isEmpty()) {
        return OptionalInt.empty();
      }
      return OptionalInt.of(Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
