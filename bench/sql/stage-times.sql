-- Where a workflow's time goes, stage by stage, for the last 200 completed workflows of the
-- manufacturing_analysis DAG: p50 and p90 in milliseconds, from the tables' own timestamps
-- (the Kiln clock when each statement was sent). Run with psql against Kiln's database, e.g.
--   psql "$(grep -o 'postgresql://[^ ;]*' kiln.log | head -1)" -f bench/sql/stage-times.sql
-- expand:   accepted -> expanded into tasks     claim1: expanded -> first parallel task claimed
-- run1:     first claim -> last parallel task recorded (handlers plus the completion statements)
-- claim2/3: previous task recorded -> next task claimed (0: claimed behind the completion)
-- run2/3:   claimed -> recorded                 finalize: last task recorded -> workflow finalised
WITH w AS (SELECT id, created_at, started_at, finished_at FROM workflows
           WHERE status = 'completed' AND workflow_type = 'manufacturing_analysis' ORDER BY id DESC LIMIT 200),
t AS (SELECT t.workflow_id, t.task_type, t.started_at, t.finished_at FROM tasks t JOIN w ON w.id = t.workflow_id),
p AS (SELECT w.*,
        (SELECT min(started_at) FROM t WHERE t.workflow_id = w.id AND task_type IN ('detect_outliers', 'analyze_trends')) AS p_start,
        (SELECT max(finished_at) FROM t WHERE t.workflow_id = w.id AND task_type IN ('detect_outliers', 'analyze_trends')) AS p_end,
        (SELECT started_at FROM t WHERE t.workflow_id = w.id AND task_type = 'synthesize') AS s_start,
        (SELECT finished_at FROM t WHERE t.workflow_id = w.id AND task_type = 'synthesize') AS s_end,
        (SELECT started_at FROM t WHERE t.workflow_id = w.id AND task_type = 'verdict') AS v_start,
        (SELECT finished_at FROM t WHERE t.workflow_id = w.id AND task_type = 'verdict') AS v_end
      FROM w),
x AS (SELECT extract(epoch FROM started_at - created_at) * 1000 AS expand,
             extract(epoch FROM p_start - started_at) * 1000 AS claim1,
             extract(epoch FROM p_end - p_start) * 1000 AS run1,
             extract(epoch FROM s_start - p_end) * 1000 AS claim2,
             extract(epoch FROM s_end - s_start) * 1000 AS run2,
             extract(epoch FROM v_start - s_end) * 1000 AS claim3,
             extract(epoch FROM v_end - v_start) * 1000 AS run3,
             extract(epoch FROM finished_at - v_end) * 1000 AS finalize,
             extract(epoch FROM finished_at - created_at) * 1000 AS total
      FROM p)
SELECT stage, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 2) AS p50_ms,
       round(percentile_cont(0.9) WITHIN GROUP (ORDER BY ms)::numeric, 2) AS p90_ms
FROM x, LATERAL (VALUES (1, 'expand', expand), (2, 'claim1', claim1), (3, 'run1', run1), (4, 'claim2', claim2),
                        (5, 'run2', run2), (6, 'claim3', claim3), (7, 'run3', run3), (8, 'finalize', finalize),
                        (9, 'total', total)) AS v(n, stage, ms)
GROUP BY n, stage ORDER BY n;
