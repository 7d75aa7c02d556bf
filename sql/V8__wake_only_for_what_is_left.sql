-- A worker that records completions while work trickles in sends a claim right behind them on the
-- same connection, and the finaliser for the workflows whose last task it recorded (see
-- TaskStore.completeThenFinalizeAndClaim). It takes the tasks its completions made ready, and
-- finishes those workflows, itself. The notification of the completion still woke every worker
-- process to claim tasks already taken, and every orchestrator to finalise a workflow already
-- final: per tiny workflow at idle, two empty claims per worker process and an empty finalisation
-- per orchestrator, about 0.9 ms of server CPU each.
--
-- Such a completion now says what follows it in two settings local to its transaction:
-- kiln.claim_follows ('on') and kiln.finalize_follows (the workflow ids, comma-separated), and
-- the notification leaves out what they cover. It still goes out when history was written: the
-- history id is what live streams follow. When the claim comes back full, or the claim or the
-- finaliser fails, the worker sends the wake-up it took over (TaskStore.announce).
--
-- The filter wraps V1's sender, which keeps its body under a new name.
ALTER FUNCTION kiln_notify(bigint, text, text) RENAME TO kiln_notify_now;

CREATE FUNCTION kiln_notify(last_history_id bigint, flags text, workflow_ids text DEFAULT '') RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    finalizing text := current_setting('kiln.finalize_follows', true);
BEGIN
    IF current_setting('kiln.claim_follows', true) = 'on' THEN
        flags := replace(flags, 't', '');
    END IF;
    IF finalizing <> '' AND workflow_ids <> '' AND workflow_ids <> '*' THEN
        workflow_ids := coalesce((SELECT string_agg(id, ',') FROM unnest(string_to_array(workflow_ids, ',')) AS id
                                  WHERE id <> ALL (string_to_array(finalizing, ','))), '');
        IF workflow_ids = '' THEN
            flags := replace(flags, 'w', '');
        END IF;
    END IF;
    PERFORM kiln_notify_now(last_history_id, flags, workflow_ids);
END $$;
