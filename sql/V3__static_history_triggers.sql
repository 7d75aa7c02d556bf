-- The update triggers again run one static statement, planned once per connection, instead of
-- planning it on every call with EXECUTE (V2). Planning cost about a millisecond a statement,
-- even a statement that changed no row (statement triggers fire on those too): an empty claim took
-- 1.3 ms instead of 0.2, a one-task completion 1.5 ms. At a few thousand claims and completions a
-- second that was most of what a small workflow cost PostgreSQL.
--
-- V2 had moved to EXECUTE because the static join of old and new rows kept the plan made for the
-- first call of a connection: a nested loop when that call changed one row, which a later
-- 5,800-row batch then ran as 33 million comparisons (3.3 s). Here the old and new rows are not
-- joined at all: they are stacked (UNION ALL) and grouped by task id, and every way of grouping
-- (hash or sort) costs n log n at worst, whatever size the cached plan was made for. The rest of
-- each statement reaches other rows by key, which is right for any batch size.

CREATE OR REPLACE FUNCTION kiln_history_tasks_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_id bigint;
    finished text;
    ready boolean;
BEGIN
    WITH changed AS MATERIALIZED (
        -- side 0: the row before the statement, side 1: after. workflow_id and task_type never change.
        SELECT u.id, min(u.workflow_id) AS workflow_id, min(u.task_type) AS task_type,
               min(u.status) FILTER (WHERE u.side = 0) AS from_status,
               min(u.status) FILTER (WHERE u.side = 1) AS to_status,
               min(u.attempts) FILTER (WHERE u.side = 1) AS attempts,
               min(u.error) FILTER (WHERE u.side = 1) AS error,
               min(u.locked_by) FILTER (WHERE u.side = 1) AS locked_by,
               min(u.run_ms) FILTER (WHERE u.side = 1) AS run_ms,
               min(u.deps_remaining) FILTER (WHERE u.side = 1) AS deps_remaining,
               min(u.deps_remaining) FILTER (WHERE u.side = 0) AS old_deps_remaining
        FROM (SELECT 0 AS side, o.id, o.workflow_id, o.task_type, o.status, o.attempts, o.error, o.locked_by,
                     o.run_ms, o.deps_remaining FROM old_rows o
              UNION ALL
              SELECT 1, n.id, n.workflow_id, n.task_type, n.status, n.attempts, n.error, n.locked_by,
                     n.run_ms, n.deps_remaining FROM new_rows n) u
        GROUP BY u.id
        HAVING min(u.status) FILTER (WHERE u.side = 0) IS DISTINCT FROM min(u.status) FILTER (WHERE u.side = 1)
            OR min(u.deps_remaining) FILTER (WHERE u.side = 0) IS DISTINCT FROM min(u.deps_remaining) FILTER (WHERE u.side = 1)
    ), h AS (
        INSERT INTO task_history (workflow_id, task_id, task_type, from_status, to_status, attempt, detail)
        SELECT c.workflow_id, c.id, c.task_type, c.from_status, c.to_status, c.attempts,
               CASE WHEN c.to_status IN ('failed', 'pending', 'cancelled') THEN c.error
                    WHEN c.to_status = 'running' THEN 'on ' || c.locked_by
                    WHEN c.to_status = 'completed' AND c.run_ms IS NOT NULL THEN 'in ' || c.run_ms || ' ms' END
        FROM changed c
        WHERE c.to_status IS DISTINCT FROM c.from_status
        ORDER BY c.id
        RETURNING id
    )
    SELECT (SELECT max(id) FROM h),
           -- Only workflows this statement may have finished: a task failed, or none is left
           -- to run. (Checked per workflow on the (workflow_id, task_type) index; saves a
           -- finalise per task. Two last tasks finishing at the same instant in separate
           -- transactions may each still see the other running; then the orchestrators' poll
           -- finalises the workflow.)
           (SELECT string_agg(DISTINCT c.workflow_id::text, ',') FROM changed c
            WHERE c.to_status IN ('completed', 'failed', 'cancelled') AND c.from_status <> c.to_status
              AND (c.to_status <> 'completed'
                   OR NOT EXISTS (SELECT 1 FROM tasks t WHERE t.workflow_id = c.workflow_id
                                  AND t.status IN ('pending', 'running')))),
           EXISTS (SELECT 1 FROM changed c
                   WHERE c.to_status = 'pending' AND c.deps_remaining = 0
                     AND (c.from_status <> 'pending' OR c.old_deps_remaining <> 0))
    INTO last_id, finished, ready;
    PERFORM kiln_notify(last_id,
                        CASE WHEN finished IS NOT NULL THEN 'w' ELSE '' END || CASE WHEN ready THEN 't' ELSE '' END,
                        coalesce(finished, ''));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION kiln_history_workflows_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_id bigint;
    repending boolean;
BEGIN
    WITH changed AS MATERIALIZED (
        SELECT u.id,
               min(u.status) FILTER (WHERE u.side = 0) AS from_status,
               min(u.status) FILTER (WHERE u.side = 1) AS to_status,
               min(u.error) FILTER (WHERE u.side = 1) AS error
        FROM (SELECT 0 AS side, o.id, o.status, o.error FROM old_rows o
              UNION ALL
              SELECT 1, n.id, n.status, n.error FROM new_rows n) u
        GROUP BY u.id
        HAVING min(u.status) FILTER (WHERE u.side = 0) IS DISTINCT FROM min(u.status) FILTER (WHERE u.side = 1)
    ), h AS (
        INSERT INTO task_history (workflow_id, from_status, to_status, detail)
        SELECT c.id, c.from_status, c.to_status, c.error FROM changed c ORDER BY c.id
        RETURNING id
    )
    SELECT (SELECT max(id) FROM h), EXISTS (SELECT 1 FROM changed c WHERE c.to_status = 'pending')
    INTO last_id, repending;
    PERFORM kiln_notify(last_id, CASE WHEN repending THEN 'p' ELSE '' END);
    RETURN NULL;
END $$;
