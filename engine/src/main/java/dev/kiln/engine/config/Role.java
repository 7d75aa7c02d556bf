package dev.kiln.engine.config;

import java.util.Locale;

/** The parts of Kiln a process runs; any set of them, in any number of processes, on one database. */
public enum Role {
  API,
  ORCHESTRATOR,
  WORKER;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
