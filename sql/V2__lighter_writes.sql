-- Fewer writes per workflow (issue #8). A tiny workflow used to cost about 30 index entries, 27
-- foreign-key probes and 8 task_logs rows besides its own rows; at hundreds of workflows a second
-- that per-row work, not the number of transactions, was most of PostgreSQL's CPU.

-- The (status, id DESC) index already serves "the oldest pending" and "running, by id" (read
-- backwards), so the two partial copies of it only cost an entry per status change.
DROP INDEX workflows_pending_idx;
DROP INDEX workflows_running_idx;

-- Only workflows submitted with an Idempotency-Key need an entry in its unique index.
ALTER TABLE workflows DROP CONSTRAINT workflows_idempotency_key_key;
CREATE UNIQUE INDEX workflows_idempotency_key_idx ON workflows (idempotency_key)
    WHERE idempotency_key IS NOT NULL;

-- History rows are written only by the triggers, from rows that exist, so the foreign key's probe
-- per row (15 per workflow) bought nothing but the cascade; a statement trigger now deletes a
-- deleted workflow's history instead, in one statement per DELETE.
ALTER TABLE task_history DROP CONSTRAINT task_history_workflow_id_fkey;

CREATE FUNCTION kiln_history_workflows_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM task_history h USING gone g WHERE h.workflow_id = g.id;
    RETURN NULL;
END $$;

CREATE TRIGGER workflows_history_delete AFTER DELETE ON workflows
    REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION kiln_history_workflows_delete();

-- "attempt N started on <worker>" and "attempt N completed in <ms> ms" were task_logs rows, two per
-- task, saying what task_history already records. The history row now carries the detail (the
-- worker; the handler's run time, kept in tasks.run_ms) and the logs endpoint shows those lines
-- from it; task_logs keeps what only it has (failures, hand-backs, rescues).
ALTER TABLE tasks ADD COLUMN run_ms bigint;

-- The update triggers join the statement's old and new rows. Written as static SQL, PL/pgSQL
-- planned that join once per connection and kept the plan: made on a one-row statement, it was a
-- nested loop, and a later 5,800-row completion batch spent 3.3 s comparing 33 million pairs.
-- EXECUTE plans it on every call, with the transition tables' real sizes (a hash join); the
-- trigger now also does all its work in that one statement.
CREATE OR REPLACE FUNCTION kiln_history_tasks_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_id bigint;
    finished text;
    ready boolean;
BEGIN
    EXECUTE $q$
        WITH changed AS MATERIALIZED (
            SELECT n.id, n.workflow_id, n.task_type, o.status AS from_status, n.status AS to_status,
                   n.attempts, n.error, n.locked_by, n.run_ms,
                   n.deps_remaining, o.deps_remaining AS old_deps_remaining
            FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE n.status IS DISTINCT FROM o.status OR n.deps_remaining IS DISTINCT FROM o.deps_remaining
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
    $q$ INTO last_id, finished, ready;
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
    EXECUTE $q$
        WITH changed AS MATERIALIZED (
            SELECT n.id, o.status AS from_status, n.status AS to_status, n.error
            FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE n.status IS DISTINCT FROM o.status
        ), h AS (
            INSERT INTO task_history (workflow_id, from_status, to_status, detail)
            SELECT c.id, c.from_status, c.to_status, c.error FROM changed c ORDER BY c.id
            RETURNING id
        )
        SELECT (SELECT max(id) FROM h), EXISTS (SELECT 1 FROM changed c WHERE c.to_status = 'pending')
    $q$ INTO last_id, repending;
    PERFORM kiln_notify(last_id, CASE WHEN repending THEN 'p' ELSE '' END);
    RETURN NULL;
END $$;

-- The rescuer's index, keyed so that only it can use it. With the predicate "status = 'running'",
-- the planner also chose it for the completion batch whenever the statistics were stale (an empty
-- table filling fast): one scan of every running task per batch row, 400 ms for a batch of 1,000.
-- lease_expires_at is set exactly while a task is running.
DROP INDEX tasks_running_lease_idx;
CREATE INDEX tasks_lease_idx ON tasks (lease_expires_at) WHERE lease_expires_at IS NOT NULL;

-- The input as text: the API has already parsed and validated every byte of it (and names the
-- field when it is wrong), so json's own check only parsed it a second time, inside PostgreSQL:
-- 2.3 ms against 0.5 ms to store a 220 KB body, 120 ms for a 15 MB one. Kiln never queries inside
-- it; SQL users can still write input::json. Uncompressed, as before (see V1).
ALTER TABLE workflows ALTER COLUMN input TYPE text;
ALTER TABLE workflows ALTER COLUMN input SET STORAGE EXTERNAL;
