-- Kiln schema. PostgreSQL is Kiln's only coordination point: every process, whatever its roles,
-- agrees through these rows, their CHECK constraints and their row locks. Migrations are append-only.

-- One submitted analysis. The input is stored once here, never copied into task rows, because a
-- large input (200 sensors x 10,000 readings is ~15 MB) copied four times would quadruple the writes.
-- The input is json, not jsonb: Kiln never queries inside it, it only stores it and hands it to
-- workers as text. jsonb would decompose it on every insert and rebuild the text on every read;
-- measured with the load tool, that was most of PostgreSQL's CPU for realistic payloads. json
-- still checks the syntax and keeps the text byte for byte.
CREATE TABLE workflows (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workflow_type    text        NOT NULL,
    status           text        NOT NULL DEFAULT 'pending',
    input            json        NOT NULL,
    result           jsonb,
    error            text,
    -- Optional client-chosen key: a repeated POST with the same key returns the same workflow.
    idempotency_key  text        UNIQUE,
    -- SHA-256 of the request body, so a reused key with a different body can be refused (409).
    request_sha256   bytea,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    started_at       timestamptz,
    finished_at      timestamptz,
    CONSTRAINT workflows_status_valid
        CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
    -- A finished workflow says when it finished; retention and durations rely on it.
    CONSTRAINT workflows_finished_has_time
        CHECK (status NOT IN ('completed', 'failed', 'cancelled') OR finished_at IS NOT NULL),
    CONSTRAINT workflows_completed_has_result
        CHECK (status <> 'completed' OR result IS NOT NULL),
    CONSTRAINT workflows_type_not_blank CHECK (workflow_type <> ''),
    CONSTRAINT workflows_idempotency_has_hash
        CHECK (idempotency_key IS NULL OR request_sha256 IS NOT NULL)
);

-- Inputs are mostly long runs of digits that pglz compresses slowly for little gain; stored
-- uncompressed they cost more disk but far less CPU on every insert and every worker read.
ALTER TABLE workflows ALTER COLUMN input SET STORAGE EXTERNAL;

-- Orchestrators look for pending workflows oldest first; the partial index stays tiny because
-- workflows leave 'pending' within milliseconds, however many finished ones pile up.
CREATE INDEX workflows_pending_idx ON workflows (id) WHERE status = 'pending';
-- Orchestrators finalise running workflows; same reasoning.
CREATE INDEX workflows_running_idx ON workflows (id) WHERE status = 'running';
-- GET /workflows?status=... newest first, keyset-paginated on id.
CREATE INDEX workflows_status_id_idx ON workflows (status, id DESC);
-- Retention deletes finished workflows by age.
CREATE INDEX workflows_finished_at_idx ON workflows (finished_at) WHERE finished_at IS NOT NULL;

-- One node of a workflow's DAG. Workers write these rows (and logs and history), nothing else.
CREATE TABLE tasks (
    id                bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workflow_id       bigint      NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    task_type         text        NOT NULL,
    status            text        NOT NULL DEFAULT 'pending',
    -- Task types (within the same workflow) that must complete first, as in the original plan.
    depends_on        text[]      NOT NULL DEFAULT '{}',
    -- How many of depends_on are not completed yet. Kept by the statement that completes an
    -- upstream task, so "is this task ready?" is a column test on an index, not a join per row.
    deps_remaining    integer     NOT NULL DEFAULT 0,
    params            jsonb       NOT NULL DEFAULT '{}',
    output            jsonb,
    error             text,
    attempts          integer     NOT NULL DEFAULT 0,
    max_attempts      integer     NOT NULL DEFAULT 3,
    timeout_s         integer,
    -- Earliest time the task may run: now() when created, now() + backoff after a failed attempt.
    run_after         timestamptz NOT NULL DEFAULT now(),
    -- While running: the worker that holds it, until when, and its last sign of life. A rescuer
    -- returns tasks whose lease expired (their worker died) to pending.
    locked_by         text,
    lease_expires_at  timestamptz,
    heartbeat_at      timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    started_at        timestamptz,
    finished_at       timestamptz,
    CONSTRAINT tasks_status_valid
        CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
    CONSTRAINT tasks_one_per_type UNIQUE (workflow_id, task_type),
    CONSTRAINT tasks_attempts_valid CHECK (attempts >= 0 AND max_attempts >= 1),
    CONSTRAINT tasks_deps_remaining_valid
        CHECK (deps_remaining >= 0 AND deps_remaining <= cardinality(depends_on)),
    CONSTRAINT tasks_timeout_positive CHECK (timeout_s IS NULL OR timeout_s > 0),
    -- A running task always has an owner and a lease, or the rescuer could never reclaim it.
    CONSTRAINT tasks_running_is_leased
        CHECK (status <> 'running' OR (locked_by IS NOT NULL AND lease_expires_at IS NOT NULL)),
    CONSTRAINT tasks_completed_has_output CHECK (status <> 'completed' OR output IS NOT NULL)
);

-- The ready-task query: pending, all dependencies done. Partial, so its size tracks the queue,
-- not the history; run_after is filtered on the few rows the index returns.
CREATE INDEX tasks_ready_idx ON tasks (id) WHERE status = 'pending' AND deps_remaining = 0;
-- The rescuer scans running tasks by lease expiry.
CREATE INDEX tasks_running_lease_idx ON tasks (lease_expires_at) WHERE status = 'running';

-- What each attempt of a task said: start, end, duration, errors with a stack excerpt.
CREATE TABLE task_logs (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workflow_id  bigint      NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    task_id      bigint      NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    attempt      integer     NOT NULL,
    level        text        NOT NULL,
    message      text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT task_logs_level_valid CHECK (level IN ('DEBUG', 'INFO', 'WARN', 'ERROR'))
);
CREATE INDEX task_logs_task_idx ON task_logs (task_id, id);
CREATE INDEX task_logs_workflow_idx ON task_logs (workflow_id);

-- Every status transition of a workflow (task_id NULL) or a task: the audit trail, and the event
-- log that live streams replay from (SSE id = this id, Last-Event-ID resumes after it).
-- Rows are written by the triggers below, so no code path can change a status without a trace.
CREATE TABLE task_history (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    workflow_id  bigint      NOT NULL REFERENCES workflows (id) ON DELETE CASCADE,
    -- No foreign key to tasks: history goes with its workflow (the cascade above), and a key here
    -- would make every task delete probe this, the largest table.
    task_id      bigint,
    task_type    text,
    from_status  text,
    to_status    text        NOT NULL,
    attempt      integer,
    detail       text,
    -- Identity values are handed out before commit, so a reader tailing by id could skip a row
    -- whose transaction commits late; the API's tailer waits at a gap until the gap's owner has
    -- finished (see EventHub).
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX task_history_workflow_idx ON task_history (workflow_id, id);

-- History is appended, and listeners are woken, by statement-level triggers over transition
-- tables: one INSERT ... SELECT and at most one NOTIFY per statement however many rows it moved,
-- which matters when one statement claims or completes hundreds of tasks. No code path can change
-- a status without leaving a trace.
--
-- Notifications are only wake-up hints (every role also polls slowly), on one channel 'kiln' so a
-- process needs one LISTEN. Payload: '<highest task_history id written>:<flags>:<workflow ids>',
-- flags being 'p' (a workflow is pending: orchestrators expand), 'w' (a task reached a final
-- state: orchestrators finalise) and 't' (a task may have become ready: workers claim), so each
-- role queries only when it has reason to; the workflow ids (comma-separated, or
-- '*' when too many for one payload) are those whose tasks reached a final state, so orchestrators
-- finalise exactly those. PostgreSQL folds identical payloads within a transaction; receivers
-- coalesce the rest.
CREATE FUNCTION kiln_notify(last_history_id bigint, flags text, workflow_ids text DEFAULT '') RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF last_history_id IS NOT NULL OR flags <> '' THEN
        -- NOTIFY payloads must stay under 8000 bytes.
        IF length(workflow_ids) > 7000 THEN
            workflow_ids := '*';
        END IF;
        PERFORM pg_notify('kiln', coalesce(last_history_id::text, '') || ':' || flags || ':' || coalesce(workflow_ids, ''));
    END IF;
END $$;

CREATE FUNCTION kiln_history_workflows_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_id bigint;
BEGIN
    WITH h AS (
        INSERT INTO task_history (workflow_id, from_status, to_status)
        SELECT n.id, NULL, n.status FROM new_rows n ORDER BY n.id
        RETURNING id
    ) SELECT max(id) INTO last_id FROM h;
    PERFORM kiln_notify(last_id, 'p');
    RETURN NULL;
END $$;

CREATE FUNCTION kiln_history_workflows_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_id bigint;
    flags text := '';
BEGIN
    WITH h AS (
        INSERT INTO task_history (workflow_id, from_status, to_status, detail)
        SELECT n.id, o.status, n.status, n.error
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE n.status IS DISTINCT FROM o.status
        ORDER BY n.id
        RETURNING id
    ) SELECT max(id) INTO last_id FROM h;
    IF EXISTS (SELECT 1 FROM new_rows n JOIN old_rows o ON o.id = n.id
               WHERE n.status = 'pending' AND o.status <> 'pending') THEN
        flags := 'p';
    END IF;
    PERFORM kiln_notify(last_id, flags);
    RETURN NULL;
END $$;

CREATE FUNCTION kiln_history_tasks_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_id bigint;
    flags text := '';
BEGIN
    WITH h AS (
        INSERT INTO task_history (workflow_id, task_id, task_type, from_status, to_status, attempt)
        SELECT n.workflow_id, n.id, n.task_type, NULL, n.status, n.attempts FROM new_rows n ORDER BY n.id
        RETURNING id
    ) SELECT max(id) INTO last_id FROM h;
    IF EXISTS (SELECT 1 FROM new_rows n WHERE n.status = 'pending' AND n.deps_remaining = 0) THEN
        flags := 't';
    END IF;
    PERFORM kiln_notify(last_id, flags);
    RETURN NULL;
END $$;

CREATE FUNCTION kiln_history_tasks_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_id bigint;
    flags text := '';
    finished text;
BEGIN
    WITH h AS (
        INSERT INTO task_history (workflow_id, task_id, task_type, from_status, to_status, attempt, detail)
        SELECT n.workflow_id, n.id, n.task_type, o.status, n.status, n.attempts,
               CASE WHEN n.status IN ('failed', 'pending', 'cancelled') THEN n.error END
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

CREATE TRIGGER workflows_history_insert AFTER INSERT ON workflows
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kiln_history_workflows_insert();
CREATE TRIGGER workflows_history_update AFTER UPDATE ON workflows
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kiln_history_workflows_update();
CREATE TRIGGER tasks_history_insert AFTER INSERT ON tasks
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kiln_history_tasks_insert();
CREATE TRIGGER tasks_history_update AFTER UPDATE ON tasks
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION kiln_history_tasks_update();
