-- Task outputs are stored by Kiln as bytes: the JSON the handler wrote, as UTF-8, and from 512
-- bytes on compressed into one zstd frame, as inputs are since v4. A workflow's result is no
-- longer copied into workflows.result: it is read from its final tasks' outputs.
--
-- Why: PostgreSQL compressed every output over 2 KB with pglz when it toasted it, and checked it
-- as JSON on the way in. Under realistic load that was about an eighth of PostgreSQL's CPU
-- (pglz_compress alone 5 % of the machine in a perf profile, json_lex another 1 %), and
-- pglz keeps 31 KB of a realistic workflow's outputs in about 9.5 KB; zstd at level 1 does
-- better in a fraction of the time, on a worker thread. STORAGE EXTERNAL: PostgreSQL stores the
-- bytes as they are, without trying to compress them again. The copy of the final output into
-- workflows.result (another 3 KB a workflow) goes too; the read of a result finds its final
-- tasks through the workflow_id index (see ReadStore.RESULT).
--
-- Rows written before v8 keep their json output and result; Kiln reads either (StoredOutput).
ALTER TABLE tasks ADD COLUMN output_bytes bytea;
ALTER TABLE tasks ALTER COLUMN output_bytes SET STORAGE EXTERNAL;
ALTER TABLE tasks ADD CONSTRAINT tasks_output_once CHECK (output IS NULL OR output_bytes IS NULL);

-- A completed task has its output in either column. NOT VALID: every existing row satisfied the
-- stricter constraint this replaces, so there is nothing to scan for.
ALTER TABLE tasks DROP CONSTRAINT tasks_completed_has_output;
ALTER TABLE tasks ADD CONSTRAINT tasks_completed_has_output
    CHECK (status <> 'completed' OR output IS NOT NULL OR output_bytes IS NOT NULL) NOT VALID;

-- A workflow completed from v8 on has no stored result: its tasks' outputs are the result.
ALTER TABLE workflows DROP CONSTRAINT workflows_completed_has_result;
