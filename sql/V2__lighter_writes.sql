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

CREATE OR REPLACE FUNCTION kiln_history_tasks_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_id bigint;
    flags text := '';
    finished text;
BEGIN
    WITH h AS (
        INSERT INTO task_history (workflow_id, task_id, task_type, from_status, to_status, attempt, detail)
        SELECT n.workflow_id, n.id, n.task_type, o.status, n.status, n.attempts,
               CASE WHEN n.status IN ('failed', 'pending', 'cancelled') THEN n.error
                    WHEN n.status = 'running' THEN 'on ' || n.locked_by
                    WHEN n.status = 'completed' AND n.run_ms IS NOT NULL THEN 'in ' || n.run_ms || ' ms' END
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE n.status IS DISTINCT FROM o.status
        ORDER BY n.id
        RETURNING id
    ) SELECT max(id) INTO last_id FROM h;
    -- Only workflows this statement may have finished: a task failed, or none is left to run.
    -- (Checked per workflow on the (workflow_id, task_type) index; saves a finalise per task. Two
    -- last tasks finishing at the same instant in separate transactions may each still see the
    -- other running; then the orchestrators' poll finalises the workflow.)
    SELECT string_agg(DISTINCT n.workflow_id::text, ',') INTO finished
    FROM new_rows n JOIN old_rows o ON o.id = n.id
    WHERE n.status IN ('completed', 'failed', 'cancelled') AND o.status <> n.status
      AND (n.status <> 'completed'
           OR NOT EXISTS (SELECT 1 FROM tasks t WHERE t.workflow_id = n.workflow_id
                          AND t.status IN ('pending', 'running')));
    IF finished IS NOT NULL THEN
        flags := flags || 'w';
    END IF;
    IF EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id
               WHERE n.status = 'pending' AND n.deps_remaining = 0
                 AND (o.status <> 'pending' OR o.deps_remaining <> 0)) THEN
        flags := flags || 't';
    END IF;
    PERFORM kiln_notify(last_id, flags, coalesce(finished, ''));
    RETURN NULL;
END $$;
