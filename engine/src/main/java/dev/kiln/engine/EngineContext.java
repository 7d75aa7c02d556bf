package dev.kiln.engine;

import dev.kiln.engine.config.KilnConfig;
import dev.kiln.engine.spec.WorkflowSpecs;
import dev.kiln.handlers.HandlerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.sqlclient.Pool;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.util.UUID;

/**
 * What the engine's verticles share in one process: settings, the one pool, the loaded specs and
 * handlers, the clock (injected so tests step time instead of sleeping) and this node's name.
 */
public record EngineContext(
    KilnConfig config,
    Pool pool,
    WorkflowSpecs specs,
    HandlerRegistry handlers,
    Clock clock,
    String nodeId,
    MeterRegistry metrics) {

  public static String newNodeId() {
    String jvm = ManagementFactory.getRuntimeMXBean().getName(); // pid@host
    return jvm + "/" + UUID.randomUUID().toString().substring(0, 8);
  }
}
