package dev.kiln.api;

import dev.kiln.engine.Wake;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-Sent Events for status changes. One tailer per process reads {@code task_history} in id
 * order when woken (notifications carry the newest history id) and fans each row out to every
 * connected client, so the database load does not grow with the number of clients. It passes
 * rows strictly in id order without gaps: ids are handed out before commit, so when id N+1 is not
 * visible yet it waits until the transaction holding it commits or is known to have rolled back
 * (see {@link #gapIsFinal}); a reader that skipped it would lose it. A client reconnecting with
 * Last-Event-ID gets the rows it missed from the table, then the live ones, without gaps or
 * repeats. With no client connected it reads nothing at all: the first client after such a spell
 * settles the cursor afresh (see {@link #follow}). Runs on one event loop.
 */
final class EventHub {
  private static final Logger log = LoggerFactory.getLogger(EventHub.class);
  private static final int BATCH = 1000;
  private static final Set<String> TERMINAL = Set.of("completed", "failed", "cancelled");
  static final long HEARTBEAT_MS = 15_000;

  private static final String COLUMNS =
      "id, workflow_id, task_type, from_status, to_status, attempt, detail, created_at";

  /** The newest visible id, and a fresh transaction id: every transaction that may hold a lower,
   * still invisible id has a smaller one. */
  private static final String NEWEST = "SELECT coalesce((SELECT max(id) FROM task_history), 0) AS newest, "
      + "pg_current_xact_id()::text::bigint AS next_xid";
  private static final String XMIN = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint";
  private static final String NEXT_XID = "SELECT pg_current_xact_id()::text::bigint";

  /**
   * New rows after the cursor, with the xmin of the snapshot they were read in (every
   * transaction below it has finished).
   */
  private static final String TAIL = "SELECT " + COLUMNS
      + ", pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS snap_xmin"
      + " FROM task_history WHERE id > $1 ORDER BY id LIMIT " + BATCH;

  private static final String REPLAY_WORKFLOW = "SELECT " + COLUMNS
      + " FROM task_history WHERE workflow_id = $1 AND id > $2 AND id <= $3 ORDER BY id";

  private static final int REPLAY_PAGE = 5000;
  private static final String REPLAY_ALL = "SELECT " + COLUMNS
      + " FROM task_history WHERE id > $1 AND id <= $2 ORDER BY id LIMIT " + REPLAY_PAGE;

  /** The workflow's latest own transition (a retry can follow a terminal one). */
  private static final String LATEST_WORKFLOW_EVENT = """
      SELECT id, to_status FROM task_history
      WHERE workflow_id = $1 AND task_id IS NULL
      ORDER BY id DESC LIMIT 1
      """;

  private final Vertx vertx;
  private final Pool pool;
  private final long pollMs;
  /** The last id passed on; -1 while no client listens (the tailer then reads nothing). */
  private long cursor = -1;
  /** Settling the cursor for the first client after an idle spell; null when not following. */
  private Future<Void> following;
  /** Clients between their request and their registration: the tailer must not go idle under them. */
  private int connecting;
  private long historyReads;
  private boolean fetching;
  private boolean fetchAgain;
  private long retryTimer = -1;
  private GapWait gap = new GapWait();
  private final List<Long> timers = new ArrayList<>();
  private final Set<Client> everything = new LinkedHashSet<>();
  private final Map<Long, Set<Client>> byWorkflow = new HashMap<>();

  /** One SSE connection; {@code workflowId} null means every workflow. */
  private static final class Client {
    final HttpServerResponse response;
    final Long workflowId;
    long lastSent;
    List<JsonObject> buffered = new ArrayList<>(); // live events that arrive while replaying
    boolean replaying;
    String lastWorkflowStatus; // of the latest workflow-level event sent
    boolean closed;

    Client(HttpServerResponse response, Long workflowId, long lastSent) {
      this.response = response;
      this.workflowId = workflowId;
      this.lastSent = lastSent;
    }
  }

  EventHub(Vertx vertx, Pool pool, long pollMs) {
    this.vertx = vertx;
    this.pool = pool;
    this.pollMs = pollMs;
  }

  Future<Void> start() {
    timers.add(vertx.setPeriodic(HEARTBEAT_MS, id -> heartbeat()));
    // Without notifications (or when one is lost) the poll keeps streams moving.
    timers.add(vertx.setPeriodic(pollMs, id -> fetch()));
    return vertx.eventBus().<JsonObject>localConsumer(Wake.ADDRESS, msg -> {
      long h = msg.body().getLong("h", 0L);
      if (h == 0 || h > cursor) {
        fetch();
      }
    }).completion();
  }

  /**
   * Makes the tailer follow the history, for a client about to register: at once when it already
   * does, else once the cursor is settled at the newest final id. Events from before that are the
   * table's to replay (Last-Event-ID), never the live tail's.
   */
  private Future<Void> follow() {
    if (following == null) {
      Future<Void> settling = settledNewest().map(newest -> {
        cursor = newest;
        gap = new GapWait();
        return null;
      });
      following = settling;
      settling.onFailure(err -> {
        if (following == settling) {
          following = null;
        }
      });
    }
    return following;
  }

  /** Runs {@code register} once the tailer follows, keeping it from going idle meanwhile. */
  private Future<Void> whileConnecting(Supplier<Future<Void>> register) {
    connecting++;
    return follow().compose(v -> register.get()).onComplete(ar -> connecting--);
  }

  /**
   * An id up to which the history is final: the newest visible id, once every transaction that
   * could still commit a lower one has finished (a later snapshot's xmin passes a transaction id
   * taken with it; usually within milliseconds). Nothing at or below it can appear afterwards.
   */
  private Future<Long> settledNewest() {
    return pool.query(NEWEST).execute().compose(rows -> {
      Row r = rows.iterator().next();
      return awaitXmin(r.getLong("next_xid"), 0).map(v -> r.getLong("newest"));
    });
  }

  private Future<Void> awaitXmin(long xid, int tries) {
    return pool.query(XMIN).execute().compose(rows -> {
      if (rows.iterator().next().getLong(0) > xid || tries > 2000) {
        return Future.succeededFuture();
      }
      return vertx.timer(5).compose(v -> awaitXmin(xid, tries + 1));
    });
  }

  void stop() {
    timers.forEach(vertx::cancelTimer);
    vertx.cancelTimer(retryTimer);
    List<Client> all = new ArrayList<>(everything);
    byWorkflow.values().forEach(all::addAll);
    all.forEach(this::close);
  }

  int clients() {
    return everything.size() + byWorkflow.values().stream().mapToInt(Set::size).sum();
  }

  /** GET /workflows/{id}/events: the workflow's history so far (after Last-Event-ID), then live. */
  void streamWorkflow(RoutingContext ctx, long workflowId) {
    long lastEventId = lastEventId(ctx);
    whileConnecting(() -> pool.preparedQuery("SELECT 1 FROM workflows WHERE id = $1").execute(Tuple.of(workflowId))
        .map(rows -> {
      if (rows.size() == 0) {
        ctx.fail(WorkflowRoutes.notFoundWorkflow(workflowId));
        return null;
      }
      Client client = open(ctx, workflowId, lastEventId);
      byWorkflow.computeIfAbsent(workflowId, k -> new LinkedHashSet<>()).add(client);
      long upTo = cursor;
      pool.preparedQuery(REPLAY_WORKFLOW).execute(Tuple.of(workflowId, lastEventId, upTo))
          .onSuccess(replay -> finishReplay(client, replay))
          .compose(v -> client.closed ? Future.succeededFuture() : closeIfAlreadyFinished(client))
          .onFailure(err -> {
            log.warn("event replay for workflow {} failed: {}", workflowId, err.toString());
            close(client);
          });
      return null;
    })).onFailure(ctx::fail);
  }

  /** GET /events: every workflow's changes, live (after Last-Event-ID: the missed ones first). */
  void streamAll(RoutingContext ctx) {
    String header = ctx.request().getHeader("Last-Event-ID");
    long resumeAfter = header == null || header.isBlank() ? -1 : lastEventId(ctx);
    whileConnecting(() -> {
      Client client = open(ctx, null, resumeAfter < 0 ? cursor : resumeAfter);
      everything.add(client);
      replayAll(client, cursor)
          .onSuccess(done -> finishReplay(client, null))
          .onFailure(err -> {
            log.warn("event replay failed: {}", err.toString());
            close(client);
          });
      return Future.succeededFuture();
    }).onFailure(ctx::fail);
  }

  /** Sends everything after the client's last event up to {@code upTo}, a page at a time. */
  private Future<Void> replayAll(Client client, long upTo) {
    if (client.closed || client.lastSent >= upTo) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery(REPLAY_ALL).execute(Tuple.of(client.lastSent, upTo)).compose(rows -> {
      for (Row r : rows) {
        write(client, toEvent(r));
      }
      if (rows.size() < REPLAY_PAGE) {
        return Future.succeededFuture();
      }
      // Respect the client's pace: wait for its buffer to drain before the next page.
      Future<Void> drained = Future.succeededFuture();
      if (client.response.writeQueueFull()) {
        io.vertx.core.Promise<Void> p = io.vertx.core.Promise.promise();
        client.response.drainHandler(v -> p.tryComplete());
        drained = p.future();
      }
      return drained.compose(v -> replayAll(client, upTo));
    });
  }

  private static long lastEventId(RoutingContext ctx) {
    String header = ctx.request().getHeader("Last-Event-ID");
    if (header == null || header.isBlank()) {
      return 0;
    }
    if (!header.strip().matches("[0-9]{1,18}")) {
      throw ApiException.badRequest("Last-Event-ID", "must be an event id (a whole number), got \"" + header + "\"");
    }
    return Long.parseLong(header.strip());
  }

  private Client open(RoutingContext ctx, Long workflowId, long lastEventId) {
    HttpServerResponse response = ctx.response();
    // Room for a burst (thousands of events a second under load) before a client counts as slow.
    response.setWriteQueueMaxSize(256 * 1024);
    response.setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    Client client = new Client(response, workflowId, lastEventId);
    response.write("retry: 1000\n\n");
    response.closeHandler(v -> forget(client));
    return client;
  }

  /** Sends the replay, then what arrived live meanwhile, without closing on a terminal event in
   * it (after a retry, an old terminal event is not the end). */
  private void finishReplay(Client client, RowSet<Row> replay) {
    client.replaying = true;
    if (replay != null) {
      for (Row r : replay) {
        write(client, toEvent(r));
      }
    }
    List<JsonObject> live = client.buffered;
    client.buffered = null;
    for (JsonObject e : live) {
      write(client, e);
    }
    client.replaying = false;
    // Whether to close is decided by closeIfAlreadyFinished against the workflow's latest
    // transition in the table: the replay may end at an old terminal event that a retry has
    // already followed, before the tailer has passed the retry on.
  }

  private Future<Void> closeIfAlreadyFinished(Client client) {
    // A client that resumes after the terminal event would otherwise wait forever.
    return pool.preparedQuery(LATEST_WORKFLOW_EVENT).execute(Tuple.of(client.workflowId)).map(rows -> {
      if (rows.size() == 1) {
        Row latest = rows.iterator().next();
        if (TERMINAL.contains(latest.getString("to_status")) && latest.getLong("id") <= client.lastSent && !client.closed) {
          close(client);
        }
      }
      return null;
    });
  }

  /** Reads of the history for live streams so far (none while no client listens). */
  long historyReads() {
    return historyReads;
  }

  private void fetch() {
    if (cursor < 0) {
      return;
    }
    if (fetching) {
      fetchAgain = true;
      return;
    }
    if (clients() == 0 && connecting == 0) {
      // Nobody would get what a read finds: stop following until the next client (see follow).
      cursor = -1;
      following = null;
      return;
    }
    fetching = true;
    fetchAgain = false;
    historyReads++;
    pool.preparedQuery(TAIL).execute(Tuple.of(cursor)).onComplete(ar -> {
      fetching = false;
      if (ar.failed()) {
        log.warn("reading task_history for live streams failed (retrying on the next wake-up): {}", ar.cause().toString());
        return;
      }
      int n = 0;
      boolean waiting = false;
      for (Row r : ar.result()) {
        long id = r.getLong("id");
        if (id != cursor + 1 && !gapIsFinal(r.getLong("snap_xmin"))) {
          // Ids are handed out before commit: cursor + 1 may belong to a transaction still running.
          waiting = true;
          break;
        }
        cursor = id;
        dispatch(toEvent(r));
        n++;
      }
      if (fetchAgain || (!waiting && n == BATCH)) {
        fetch();
      } else if (waiting && retryTimer < 0) {
        retryTimer = vertx.setTimer(5, id -> {
          retryTimer = -1;
          fetch();
        });
      }
    });
  }

  /** Whether the ids missing before the next visible row will never appear (see {@link GapWait}). */
  private boolean gapIsFinal(long snapXmin) {
    long at = cursor;
    if (gap.needsXid(at)) {
      pool.query(NEXT_XID).execute()
          .onSuccess(rows -> gap.xidTaken(at, rows.iterator().next().getLong(0)))
          .onFailure(err -> gap.askFailed(at));
      return false;
    }
    return gap.isFinal(at, snapXmin);
  }

  private void dispatch(JsonObject event) {
    for (Client c : List.copyOf(everything)) {
      deliver(c, event);
    }
    Set<Client> watchers = byWorkflow.get(event.getLong("workflow_id"));
    if (watchers != null) {
      for (Client c : List.copyOf(watchers)) {
        deliver(c, event);
      }
    }
  }

  private void deliver(Client c, JsonObject event) {
    if (c.buffered != null) {
      c.buffered.add(event);
    } else {
      send(c, event);
    }
  }

  private void send(Client c, JsonObject event) {
    if (c.response.writeQueueFull()) {
      // A live client too slow to keep up is dropped; it reconnects with Last-Event-ID and misses nothing.
      close(c);
      return;
    }
    write(c, event);
  }

  private void write(Client c, JsonObject event) {
    long id = event.getLong("id");
    if (c.closed || id <= c.lastSent) {
      return; // replay and live overlap at the seam; never send one twice
    }
    c.lastSent = id;
    c.response.write("id: " + id + "\nevent: " + (event.getString("task_type") == null ? "workflow" : "task")
        + "\ndata: " + event.encode() + "\n\n");
    if (event.getString("task_type") == null) {
      c.lastWorkflowStatus = event.getString("to");
      if (c.workflowId != null && !c.replaying && TERMINAL.contains(c.lastWorkflowStatus)) {
        close(c);
      }
    }
  }

  private void heartbeat() {
    String ping = ": keep-alive\n\n";
    everything.forEach(c -> c.response.write(ping));
    byWorkflow.values().forEach(set -> set.forEach(c -> c.response.write(ping)));
  }

  private void close(Client c) {
    if (c.closed) {
      return;
    }
    forget(c);
    c.response.end();
  }

  private void forget(Client c) {
    c.closed = true;
    everything.remove(c);
    if (c.workflowId != null) {
      Set<Client> set = byWorkflow.get(c.workflowId);
      if (set != null) {
        set.remove(c);
        if (set.isEmpty()) {
          byWorkflow.remove(c.workflowId);
        }
      }
    }
  }

  private static JsonObject toEvent(Row r) {
    OffsetDateTime at = r.getOffsetDateTime("created_at");
    return new JsonObject()
        .put("id", r.getLong("id"))
        .put("workflow_id", r.getLong("workflow_id"))
        .put("task_type", r.getString("task_type"))
        .put("from", r.getString("from_status"))
        .put("to", r.getString("to_status"))
        .put("attempt", r.getInteger("attempt"))
        .put("detail", r.getString("detail"))
        .put("at", at == null ? null : at.format(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME));
  }
}
