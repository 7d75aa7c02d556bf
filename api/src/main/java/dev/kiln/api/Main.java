package dev.kiln.api;

import dev.kiln.engine.config.ConfigException;
import dev.kiln.engine.config.KilnConfig;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code java -jar kiln.jar} entry point: read the settings, start the roles, stop on SIGTERM. */
public final class Main {
  private Main() {}

  public static void main(String[] argv) {
    List<String> args = List.of(argv);
    if (KilnConfig.wantsHelp(args)) {
      System.out.print(KilnConfig.help());
      return;
    }
    KilnConfig config;
    try {
      config = KilnConfig.parse(System.getenv(), args);
    } catch (ConfigException e) {
      fail(2, e);
      return;
    }
    Kiln kiln;
    try {
      kiln = Kiln.start(config);
    } catch (ConfigException e) {
      fail(1, e);
      return;
    } catch (RuntimeException e) {
      LoggerFactory.getLogger(Main.class).debug("start-up failed", e);
      System.err.println("kiln: start-up failed: " + e);
      System.exit(1);
      return;
    }
    kiln.closeOnExit();
  }

  private static void fail(int code, ConfigException e) {
    Logger log = LoggerFactory.getLogger(Main.class);
    log.debug("configuration error", e);
    System.err.println("kiln: " + e.getMessage());
    System.exit(code);
  }
}
