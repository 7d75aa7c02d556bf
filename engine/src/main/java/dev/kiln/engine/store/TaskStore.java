package dev.kiln.engine.store;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every query workers run against {@code tasks} (and the logs they write beside it). Each
 * transition is one statement guarded by the state it expects; zero rows means another node got
 * there first, never an error.
 */
public final class TaskStore {

  /** Claims up to $2 ready tasks in one statement and returns what running them needs. */
  static final String CLAIM = """
      WITH ready AS (
          -- A pending task became ready at its last change (its last dependency completing) or
          -- when its backoff ended, whichever is later: that is where claim latency starts.
          SELECT id, greatest(run_after, updated_at) AS ready_at FROM tasks
          WHERE status = 'pending' AND deps_remaining = 0 AND run_after <= $1
          ORDER BY id
          LIMIT $2
          FOR UPDATE SKIP LOCKED
      ), claimed AS (
          UPDATE tasks t
          SET status = 'running', attempts = t.attempts + 1, locked_by = $3, lease_expires_at = $4,
              heartbeat_at = $1, started_at = $1, finished_at = NULL, updated_at = $1
          FROM ready
          WHERE t.id = ready.id
          RETURNING t.id, t.workflow_id, t.task_type, t.attempts, t.max_attempts, t.timeout_s, t.params, t.depends_on,
                    ready.ready_at
      )
      SELECT c.id, c.workflow_id, c.task_type, c.attempts, c.max_attempts, c.timeout_s, c.params::text AS params,
             greatest(extract(epoch FROM (clock_timestamp() - c.ready_at)) * 1000, 0)::float8 AS waited_ms,
             -- The input once per workflow in this batch, as stored (see StoredInput; a row from
             -- before v4 as UTF-8 bytes): the other tasks of the workflow that need it share that
             -- copy (see SharedInput).
             CASE WHEN c.task_type = ANY($5::text[])
                       AND row_number() OVER (PARTITION BY c.workflow_id, c.task_type = ANY($5::text[]) ORDER BY c.id) = 1
                  THEN (SELECT %s FROM workflows w WHERE w.id = c.workflow_id) END AS input,
             c.task_type = ANY($5::text[]) AS needs_input,
             (SELECT json_object_agg(u.task_type, u.output)::text FROM tasks u
              WHERE u.workflow_id = c.workflow_id AND u.task_type = ANY(c.depends_on)) AS upstream
      FROM claimed c
      ORDER BY c.id
      """.formatted(StoredInput.COLUMN);

  /*
   * FENCED_BY_KEY: the batch statements below reach each task by its key from unnest($1), and take
   * the fence ("still running this very attempt") from the unnested rows, not as a constant. With
   * "t.status = 'running'" as a constant, the planner estimated the running tasks from statistics
   * taken when none were running (a fresh table, or any quiet moment) as one row, scanned the whole
   * table for them and joined each to every batch row: a 3,000-row completion took 2.7 s instead
   * of 20 ms. Compared with a column of the (materialised) batch, the condition is a join filter
   * checked after the key lookup, whatever the statistics say.
   */
  /**
   * Records many successful attempts at once: each only if its task is still running that very
   * attempt (fencing), and counts down the dependencies of the tasks waiting on it.
   */
  static final String COMPLETE_MANY = """
      WITH input AS MATERIALIZED (
          SELECT i.*, 'running'::text AS fence
          FROM unnest($1::bigint[], $2::int[], $3::text[], $4::bigint[], $6::text[]) AS i(id, attempt, output, duration_ms, verdict),
               -- What the caller does right behind this transaction, for the wake-up it sends (V8).
               (SELECT set_config('kiln.claim_follows', $7, true), set_config('kiln.finalize_follows', $8, true)) AS f
      ), done AS (
          UPDATE tasks t
          SET status = 'completed', output = i.output::json, verdict = i.verdict, error = NULL, locked_by = NULL,
              lease_expires_at = NULL, heartbeat_at = NULL, finished_at = $5, updated_at = $5,
              run_ms = i.duration_ms
          FROM input i
          WHERE t.id = i.id AND t.status = i.fence AND t.attempts = i.attempt -- see FENCED_BY_KEY
          RETURNING t.id, t.workflow_id, t.task_type, t.attempts
      ), unblocked AS (
          UPDATE tasks d
          SET deps_remaining = d.deps_remaining - c.n, updated_at = $5
          FROM (SELECT w.id, count(*) AS n
                FROM done JOIN tasks w ON w.workflow_id = done.workflow_id AND done.task_type = ANY(w.depends_on)
                WHERE w.status = 'pending'
                GROUP BY w.id) c
          WHERE d.id = c.id
      )
      SELECT id FROM done
      """;

  /** A failed attempt: back to pending after a backoff, or failed for good after max_attempts. */
  static final String FAIL = """
      WITH failed AS (
          UPDATE tasks
          SET status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'pending' END,
              error = $3,
              run_after = CASE WHEN attempts >= max_attempts THEN run_after ELSE $5 END,
              finished_at = CASE WHEN attempts >= max_attempts THEN $4::timestamptz END, -- typed for PREPARE (FreshTablePlansTest)
              locked_by = NULL, lease_expires_at = NULL, heartbeat_at = NULL, updated_at = $4
          WHERE id = $1 AND status = 'running' AND attempts = $2
          RETURNING id, workflow_id, attempts, max_attempts, status
      ), logged AS (
          INSERT INTO task_logs (workflow_id, task_id, attempt, level, message, created_at)
          SELECT workflow_id, id, attempts, 'ERROR',
                 'attempt ' || attempts || ' of ' || max_attempts || ' failed: ' || $6
                 || CASE WHEN status = 'failed' THEN E'\\nno attempts left: task failed'
                         ELSE E'\\nretry in ' || $7::bigint || ' s' END, $4
          FROM failed
      )
      SELECT status FROM failed
      """;

  /**
   * Extends the leases of the attempts a live worker still runs, skipping any row another
   * transaction has locked: that one is being completed, failed, cancelled, handed back or
   * rescued, and needs no lease. A heartbeat that waited for such a row could close a cycle of
   * waits: under realistic load about one heartbeat per 10,000 workflows died of "deadlock
   * detected". Skipped rows get their lease at the next beat, a third of a lease later.
   */
  static final String HEARTBEAT = """
      WITH held AS MATERIALIZED (
          SELECT h.*, 'running'::text AS fence, $5::text AS worker FROM unnest($1::bigint[], $2::int[]) AS h(id, attempt)
      ), free AS (
          SELECT t.id
          FROM held h JOIN tasks t
            ON t.id = h.id AND t.attempts = h.attempt AND t.status = h.fence AND t.locked_by = h.worker -- see FENCED_BY_KEY
          FOR NO KEY UPDATE OF t SKIP LOCKED -- the lock the UPDATE below takes anyway
      )
      UPDATE tasks t
      SET lease_expires_at = $3, heartbeat_at = $4
      FROM free f
      WHERE t.id = f.id
      """;

  /** Hands back attempts a stopping worker will not finish; they may run again at once, and the
   * hand-back never uses up the task's last attempt. */
  static final String HAND_BACK = """
      WITH held AS MATERIALIZED (
          SELECT h.*, 'running'::text AS fence FROM unnest($1::bigint[], $2::int[]) AS h(id, attempt)
      ), back AS (
          UPDATE tasks t
          SET status = 'pending', run_after = $3, locked_by = NULL, lease_expires_at = NULL, heartbeat_at = NULL,
              max_attempts = greatest(t.max_attempts, t.attempts + 1),
              error = 'attempt ' || t.attempts || ' handed back: worker ' || $4 || ' shut down', updated_at = $3
          FROM held h
          WHERE t.id = h.id AND t.attempts = h.attempt AND t.status = h.fence -- see FENCED_BY_KEY
          RETURNING t.id, t.workflow_id, t.attempts, t.error
      ), logged AS (
          INSERT INTO task_logs (workflow_id, task_id, attempt, level, message, created_at)
          SELECT workflow_id, id, attempts, 'WARN', error, $3 FROM back
      )
      SELECT id FROM back
      """;

  /** Returns tasks whose lease expired (their worker died or hung) to pending, or fails them when
   * that was their last attempt. */
  static final String RESCUE = """
      WITH expired AS (
          SELECT id FROM tasks
          WHERE status = 'running' AND lease_expires_at < $1
          ORDER BY lease_expires_at
          LIMIT $2
          FOR UPDATE SKIP LOCKED
      ), rescued AS (
          UPDATE tasks t
          SET status = CASE WHEN t.attempts >= t.max_attempts THEN 'failed' ELSE 'pending' END,
              error = 'attempt ' || t.attempts || ' lost: lease of worker ' || t.locked_by || ' expired',
              run_after = $1,
              finished_at = CASE WHEN t.attempts >= t.max_attempts THEN $1 END,
              locked_by = NULL, lease_expires_at = NULL, heartbeat_at = NULL, updated_at = $1
          FROM expired
          WHERE t.id = expired.id
          RETURNING t.id, t.workflow_id, t.attempts, t.error
      ), logged AS (
          INSERT INTO task_logs (workflow_id, task_id, attempt, level, message, created_at)
          SELECT workflow_id, id, attempts, 'WARN', error, $1 FROM rescued
      )
      SELECT id FROM rescued
      """;

  private final Pool pool;

  public TaskStore(Pool pool) {
    this.pool = pool;
  }

  static OffsetDateTime at(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  public Future<List<ClaimedTask>> claim(Instant now, int limit, String workerId, Duration lease, String[] typesNeedingInput) {
    return claim(pool, now, limit, workerId, lease, typesNeedingInput);
  }

  private static Future<List<ClaimedTask>> claim(SqlClient client, Instant now, int limit, String workerId, Duration lease,
      String[] typesNeedingInput) {
    return client.preparedQuery(CLAIM)
        .execute(Tuple.of(at(now), limit, workerId, at(now.plus(lease)), typesNeedingInput))
        .map(rows -> {
          Map<Long, SharedInput> inputs = new HashMap<>();
          for (Row r : rows) {
            Buffer input = r.getBuffer("input");
            if (input != null) {
              inputs.put(r.getLong("workflow_id"), new SharedInput(input.getBytes()));
            }
          }
          List<ClaimedTask> out = new ArrayList<>(rows.size());
          for (Row r : rows) {
            long workflowId = r.getLong("workflow_id");
            out.add(new ClaimedTask(r.getLong("id"), workflowId, r.getString("task_type"),
                r.getInteger("attempts"), r.getInteger("max_attempts"), r.getInteger("timeout_s"),
                r.getString("params"), r.getBoolean("needs_input") ? inputs.get(workflowId) : null,
                r.getString("upstream"), r.getDouble("waited_ms")));
          }
          return out;
        });
  }

  /**
   * One finished attempt's output, ready to be recorded, with the output's top-level "verdict"
   * when that is a string (null otherwise): lists show it without parsing the output.
   */
  public record Completion(long taskId, int attempt, String outputJson, String verdict, long durationMillis) {}

  /** Records the completions; returns the ids of those accepted (the others were fenced off). */
  public Future<List<Long>> completeMany(List<Completion> completions, Instant now) {
    return completeMany(pool, completions, now, false, new Long[0]);
  }

  /**
   * Sends the wake-up a completion left out because its worker was to claim, and finalise, right
   * behind it (see V8): {@code 't'} when that claim came back full or failed, {@code 'w'} with the
   * workflows when that finaliser failed.
   */
  public Future<Void> announce(boolean ready, Long[] finalizeWorkflows) {
    String flags = (ready ? "t" : "") + (finalizeWorkflows.length > 0 ? "w" : "");
    if (flags.isEmpty()) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery("SELECT kiln_notify(NULL, $1, $2)").execute(Tuple.of(flags, csv(finalizeWorkflows)))
        .mapEmpty();
  }

  /** What {@link #completeThenFinalizeAndClaim} did: each part succeeds or fails on its own. */
  public record Flushed(Future<List<Long>> completed, Future<Integer> finalized, Future<List<ClaimedTask>> claimed) {}

  /**
   * Records the completions, then finalises the given workflows that are done (see
   * {@link WorkflowStore#finalizeDone}), then claims up to {@code claimLimit} ready tasks: on one
   * connection and without waiting in between. The client sends each statement behind the one
   * before (pipelining) and the server runs it once that one has committed, so the finaliser sees
   * the last task completed and the claim sees the tasks the completions made ready. That saves
   * the worker a round trip per step of a chain, and the workflow the notification to an
   * orchestrator and its finaliser's round trip. The parts are separate transactions: a failed
   * completion does not undo the claim, whose tasks are the worker's all the same. No workflows to
   * finalise, or a limit of 0, leave that statement out.
   */
  public Flushed completeThenFinalizeAndClaim(List<Completion> completions, Instant now, Long[] finalizeWorkflows,
      int claimLimit, String workerId, Duration lease, String[] typesNeedingInput) {
    if (finalizeWorkflows.length == 0 && claimLimit <= 0) {
      // The completion alone (a worker under load): any pooled connection, nothing to hold.
      return new Flushed(completeMany(pool, completions, now, false, finalizeWorkflows), Future.succeededFuture(0),
          Future.succeededFuture(List.of()));
    }
    Promise<List<Long>> completed = Promise.promise();
    Promise<Integer> finalized = Promise.promise();
    Promise<List<ClaimedTask>> claimed = Promise.promise();
    pool.withConnection(connection -> {
      Future<List<Long>> done = completeMany(connection, completions, now, claimLimit > 0, finalizeWorkflows);
      Future<Integer> finished = WorkflowStore.finalizeDone(connection, finalizeWorkflows, now);
      Future<List<ClaimedTask>> next = claimLimit > 0
          ? claim(connection, now, claimLimit, workerId, lease, typesNeedingInput)
          : Future.succeededFuture(List.of());
      done.onComplete(completed);
      finished.onComplete(finalized);
      next.onComplete(claimed);
      return Future.join(done, finished, next);
    }).onFailure(err -> {
      // No connection (or it broke): whichever part has no answer yet failed with it.
      completed.tryFail(err);
      finalized.tryFail(err);
      claimed.tryFail(err);
    });
    return new Flushed(completed.future(), finalized.future(), claimed.future());
  }

  /**
   * {@code claimFollows} and {@code finalizeFollows}: the caller claims, and finalises those
   * workflows, right behind this statement, so its notification leaves them out (see V8).
   */
  private static Future<List<Long>> completeMany(SqlClient client, List<Completion> completions, Instant now,
      boolean claimFollows, Long[] finalizeFollows) {
    int n = completions.size();
    Long[] ids = new Long[n];
    Integer[] attempts = new Integer[n];
    String[] outputs = new String[n];
    Long[] durations = new Long[n];
    String[] verdicts = new String[n];
    for (int i = 0; i < n; i++) {
      Completion c = completions.get(i);
      ids[i] = c.taskId();
      attempts[i] = c.attempt();
      outputs[i] = c.outputJson();
      durations[i] = c.durationMillis();
      verdicts[i] = c.verdict();
    }
    return client.preparedQuery(COMPLETE_MANY)
        .execute(Tuple.of(ids, attempts, outputs, durations, at(now), verdicts)
            .addString(claimFollows ? "on" : "")
            .addString(csv(finalizeFollows)))
        .map(rows -> {
          List<Long> accepted = new ArrayList<>(rows.size());
          rows.forEach(r -> accepted.add(r.getLong(0)));
          return accepted;
        });
  }

  /**
   * Records a failed attempt. {@code retryAt} is when it may run again if attempts remain.
   *
   * @return the task's new status ("pending" or "failed"), or null if the attempt was fenced off
   */
  public Future<String> fail(long taskId, int attempt, String error, String logMessage, Instant now, Instant retryAt) {
    long backoffSeconds = Duration.between(now, retryAt).toSeconds();
    return pool.preparedQuery(FAIL)
        .execute(Tuple.of(taskId, attempt, error, at(now), at(retryAt), logMessage, backoffSeconds))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("status"));
  }

  /** One attempt of one task: what heartbeats and hand-backs name, fenced by the attempt number. */
  public record Attempt(long taskId, int attempt) {
    public static Attempt of(ClaimedTask task) {
      return new Attempt(task.id(), task.attempt());
    }
  }

  public Future<Integer> heartbeat(List<Attempt> attempts, String workerId, Instant now, Duration lease) {
    if (attempts.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return pool.preparedQuery(HEARTBEAT)
        .execute(Tuple.of(taskIds(attempts), attemptNumbers(attempts), at(now.plus(lease)), at(now), workerId))
        .map(rows -> rows.rowCount());
  }

  public Future<Integer> handBack(List<Attempt> attempts, String workerId, Instant now) {
    if (attempts.isEmpty()) {
      return Future.succeededFuture(0);
    }
    return pool.preparedQuery(HAND_BACK)
        .execute(Tuple.of(taskIds(attempts), attemptNumbers(attempts), at(now), workerId))
        .map(rows -> rows.size());
  }

  private static String csv(Long[] ids) {
    return Arrays.stream(ids).map(String::valueOf).collect(Collectors.joining(","));
  }

  private static Long[] taskIds(List<Attempt> attempts) {
    return attempts.stream().map(Attempt::taskId).toArray(Long[]::new);
  }

  private static Integer[] attemptNumbers(List<Attempt> attempts) {
    return attempts.stream().map(Attempt::attempt).toArray(Integer[]::new);
  }

  public Future<Integer> rescueExpired(Instant now, int limit) {
    return pool.preparedQuery(RESCUE).execute(Tuple.of(at(now), limit)).map(rows -> rows.size());
  }
}
