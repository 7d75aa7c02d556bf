package dev.kiln.engine.store;

import static dev.kiln.engine.store.TaskStore.at;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The queries behind the HTTP API's reads and its workflow-level commands (submit with an
 * idempotency key, retry). Responses are assembled as JSON inside PostgreSQL, so a status read is
 * one round trip and no row is decoded into objects only to be encoded again.
 */
public final class ReadStore {

  /** The plan's /status body, plus what helps: type, error, timings, dependencies, durations. */
  static final String STATUS = """
      SELECT jsonb_build_object(
          'workflow_id', w.id,
          'workflow_type', w.workflow_type,
          'status', w.status,
          'error', w.error,
          'created_at', w.created_at,
          'updated_at', w.updated_at,
          'started_at', w.started_at,
          'finished_at', w.finished_at,
          'duration_ms', (extract(epoch FROM (w.finished_at - w.created_at)) * 1000)::bigint,
          'tasks', coalesce((
              SELECT jsonb_agg(jsonb_build_object(
                  'task_type', t.task_type,
                  'task_status', t.status,
                  'attempts', t.attempts,
                  'max_attempts', t.max_attempts,
                  'error', t.error,
                  'depends_on', to_jsonb(t.depends_on),
                  'started_at', t.started_at,
                  'finished_at', t.finished_at,
                  'duration_ms', (extract(epoch FROM (t.finished_at - t.started_at)) * 1000)::bigint,
                  'next_attempt_at', CASE WHEN t.status = 'pending' AND t.attempts > 0 THEN t.run_after END
              ) ORDER BY t.id)
              FROM tasks t WHERE t.workflow_id = w.id), '[]'::jsonb)
      )::text
      FROM workflows w WHERE w.id = $1
      """;

  static final String RESULT = """
      SELECT status, CASE WHEN status = 'completed' THEN json_build_object(
                 'workflow_id', id, 'workflow_type', workflow_type, 'status', status, 'result', result,
                 'finished_at', finished_at)
             ELSE json_build_object(
                 'workflow_id', id, 'workflow_type', workflow_type, 'status', status, 'result', NULL,
                 'error', error, 'finished_at', finished_at) END::text AS body
      FROM workflows WHERE id = $1
      """;

  /** A list item's JSON; the lists below page it newest first, keyset-paginated on id (an exclusive cursor). */
  private static final String LIST_ITEM = """
      SELECT id, jsonb_build_object(
          'workflow_id', id, 'workflow_type', workflow_type, 'status', status, 'error', error,
          'created_at', created_at, 'updated_at', updated_at, 'finished_at', finished_at,
          'verdict', verdict)::text AS body
      FROM workflows
      """;

  /** A page of all workflows: $1 cursor, $2 limit, in the primary key's order. */
  static final String LIST = LIST_ITEM + """
      WHERE id < $1
      ORDER BY id DESC
      LIMIT $2
      """;

  /**
   * A page of the workflows in one status ($1; $2 cursor, $3 limit): a statement of its own, so
   * that its generic plan (kept after five calls) reaches them by the (status, id) index. One
   * statement for both, with {@code $1 IS NULL OR status = $1}, had a generic plan that walked the
   * whole primary key and filtered: {@code ?status=running} read every finished workflow ever kept
   * to find none.
   */
  static final String LIST_STATUS = LIST_ITEM + """
      WHERE status = $1 AND id < $2
      ORDER BY id DESC
      LIMIT $3
      """;

  /**
   * A task's log: its task_logs lines (failures, hand-backs, rescues) and, from task_history, when
   * each attempt started and completed (history rows written before schema v2 have no detail;
   * their lines are still in task_logs). Ordered by attempt: started, the attempt's lines, completed.
   */
  static final String LOGS = """
      WITH t AS (
          SELECT id, max_attempts FROM tasks WHERE workflow_id = $1 AND task_type = $2
      ), line AS (
          SELECT l.attempt, 1 AS phase, l.id AS seq, l.level, l.message, l.created_at
          FROM task_logs l JOIN t ON l.task_id = t.id
          UNION ALL
          SELECT h.attempt, CASE h.to_status WHEN 'running' THEN 0 ELSE 2 END, h.id, 'INFO',
                 CASE h.to_status WHEN 'running' THEN 'attempt ' || h.attempt || ' of ' || t.max_attempts || ' started ' || h.detail
                                  ELSE 'attempt ' || h.attempt || ' completed ' || h.detail END,
                 h.created_at
          FROM task_history h JOIN t ON h.task_id = t.id
          WHERE h.workflow_id = $1 AND h.to_status IN ('running', 'completed') AND h.detail IS NOT NULL
      )
      SELECT coalesce((SELECT jsonb_agg(jsonb_build_object(
                 'attempt', attempt, 'level', level, 'message', message, 'at', created_at) ORDER BY attempt, phase, seq)
             FROM line), '[]'::jsonb)::text AS lines,
             (SELECT count(*) FROM t) AS tasks
      """;

  static final String SUBMIT_IDEMPOTENT = """
      WITH ins AS (
          INSERT INTO workflows (workflow_type, input_zstd, idempotency_key, request_sha256, created_at, updated_at)
          VALUES ($1, $2, $3, $4, $5, $5)
          ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
          RETURNING id, true AS created, request_sha256
      )
      SELECT id, created, request_sha256 FROM ins
      UNION ALL
      SELECT id, false, request_sha256 FROM workflows WHERE idempotency_key = $3 AND NOT EXISTS (SELECT 1 FROM ins)
      """;

  /**
   * Re-runs the failed and cancelled tasks of a failed or cancelled workflow, keeping completed
   * outputs. Attempt numbers keep counting up (they are the fencing token: an attempt still out
   * there from before must never match a new one), so each retried task gets its limit again on top.
   */
  static final String RETRY = """
      WITH w AS (
          UPDATE workflows
          SET status = 'running', error = NULL, result = NULL, verdict = NULL, finished_at = NULL, updated_at = $2
          WHERE id = $1 AND status IN ('failed', 'cancelled')
          RETURNING id
      ), t AS (
          UPDATE tasks t
          SET status = 'pending', error = NULL, output = NULL, verdict = NULL, run_after = $2, finished_at = NULL, updated_at = $2,
              max_attempts = t.max_attempts + t.attempts,
              deps_remaining = (SELECT count(*) FROM tasks u
                                WHERE u.workflow_id = t.workflow_id AND u.task_type = ANY(t.depends_on)
                                  AND u.status <> 'completed')
          WHERE t.workflow_id IN (SELECT id FROM w) AND t.status IN ('failed', 'cancelled')
          RETURNING t.id
      )
      SELECT (SELECT count(*) FROM w) AS workflows, (SELECT count(*) FROM t) AS tasks
      """;

  static final String STATUS_OF = "SELECT status FROM workflows WHERE id = $1";

  /** The input as stored: compressed since v4, UTF-8 text before (see {@link StoredInput}). */
  static final String INPUT = "SELECT " + StoredInput.COLUMN + " FROM workflows WHERE id = $1";

  private final Pool pool;
  private final SubmitBatcher submits;

  public ReadStore(Pool pool) {
    this.pool = pool;
    this.submits = new SubmitBatcher(pool);
  }

  private static Optional<String> firstString(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.ofNullable(rows.iterator().next().getString(0));
  }

  public Future<Optional<String>> statusJson(long id) {
    return pool.preparedQuery(STATUS).execute(Tuple.of(id)).map(ReadStore::firstString);
  }

  public Future<Optional<String>> workflowStatus(long id) {
    return pool.preparedQuery(STATUS_OF).execute(Tuple.of(id)).map(ReadStore::firstString);
  }

  /** The workflow's input as stored; {@link StoredInput#json} turns it back into the submitted JSON. */
  public Future<Optional<byte[]>> storedInput(long id) {
    return pool.preparedQuery(INPUT).execute(Tuple.of(id))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getBuffer(0).getBytes()));
  }

  /** The workflow's status and its /results body (the body is meaningful once it has finished). */
  public record Result(String status, String body) {}

  public Future<Optional<Result>> result(long id) {
    return pool.preparedQuery(RESULT).execute(Tuple.of(id)).map(rows -> rows.size() == 0 ? Optional.empty()
        : Optional.of(new Result(rows.iterator().next().getString("status"), rows.iterator().next().getString("body"))));
  }

  /** One page of the list: the items' JSON and the id to continue after, if there may be more. */
  public record Page(List<String> items, Long nextCursor) {}

  public Future<Page> list(String status, long cursor, int limit) {
    Future<RowSet<Row>> query = status == null
        ? pool.preparedQuery(LIST).execute(Tuple.of(cursor, limit + 1))
        : pool.preparedQuery(LIST_STATUS).execute(Tuple.of(status, cursor, limit + 1));
    return query.map(rows -> {
      List<String> items = new ArrayList<>();
      long last = 0;
      for (Row r : rows) {
        if (items.size() == limit) {
          return new Page(items, last);
        }
        items.add(r.getString("body"));
        last = r.getLong("id");
      }
      return new Page(items, null);
    });
  }

  /** The task's log lines over all attempts, or empty when the workflow has no such task. */
  public Future<Optional<String>> logs(long workflowId, String taskType) {
    return pool.preparedQuery(LOGS).execute(Tuple.of(workflowId, taskType)).map(rows -> {
      Row r = rows.iterator().next();
      return r.getLong("tasks") == 0 ? Optional.empty() : Optional.of(r.getString("lines"));
    });
  }

  /** What an idempotent submit did: the workflow id, whether this call created it, and its body hash. */
  public record Submitted(long id, boolean created, byte[] requestSha256) {}

  /** Stores a workflow whose input is already compressed ({@link StoredInput#compress}). */
  public Future<Submitted> submit(String workflowType, byte[] storedInput, String idempotencyKey, byte[] sha256, Instant now) {
    if (idempotencyKey == null) {
      return submits.submit(workflowType, storedInput, now).map(id -> new Submitted(id, true, sha256));
    }
    return pool.preparedQuery(SUBMIT_IDEMPOTENT)
        .execute(Tuple.of(workflowType, io.vertx.core.buffer.Buffer.buffer(storedInput), idempotencyKey,
            io.vertx.core.buffer.Buffer.buffer(sha256), at(now)))
        .map(rows -> {
          Row r = rows.iterator().next();
          return new Submitted(r.getLong("id"), r.getBoolean("created"), r.getBuffer("request_sha256").getBytes());
        });
  }

  /** Retries a failed or cancelled workflow; false when it does not exist or is not in such a state. */
  public Future<Boolean> retry(long id, Instant now) {
    return pool.preparedQuery(RETRY).execute(Tuple.of(id, at(now)))
        .map(rows -> rows.iterator().next().getLong("workflows") == 1);
  }
}
