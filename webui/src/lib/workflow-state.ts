import { TERMINAL, type HistoryEvent, type Status, type TaskState, type WorkflowStatus, type WorkflowType } from './types.js';

/** A status that has not been read yet: what the events alone say. */
export function emptyStatus(workflowId: number, workflowType = ''): WorkflowStatus {
  return {
    workflow_id: workflowId, workflow_type: workflowType, status: 'pending', error: null,
    created_at: '', updated_at: '', started_at: null, finished_at: null, duration_ms: null, tasks: [],
  };
}

function millisBetween(from: string | null, to: string | null): number | null {
  if (!from || !to) return null;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms >= 0 ? Math.round(ms) : null;
}

/**
 * The workflow as a /status snapshot plus the history events that came after it. Applying an event
 * the snapshot already reflects changes nothing, so callers may pass every event newer than the last
 * one received before the snapshot was requested.
 */
export function applyEvents(base: WorkflowStatus, events: readonly HistoryEvent[]): WorkflowStatus {
  if (events.length === 0) return base;
  const wf: WorkflowStatus = { ...base, tasks: base.tasks.map((t) => ({ ...t })) };
  for (const e of events) {
    if (e.workflow_id !== wf.workflow_id) continue;
    if (e.task_type === null) {
      const retried = e.to === 'running' && (e.from === 'failed' || e.from === 'cancelled');
      wf.status = e.to;
      wf.updated_at = e.at ?? wf.updated_at;
      if (e.to === 'running' && !wf.started_at) wf.started_at = e.at;
      if (retried) {
        wf.error = null;
        wf.finished_at = null;
        wf.duration_ms = null;
      }
      if (TERMINAL.has(e.to)) {
        wf.finished_at = e.at;
        wf.duration_ms = millisBetween(wf.created_at || null, e.at) ?? wf.duration_ms;
        wf.error = e.to === 'completed' ? null : e.detail ?? wf.error;
      }
      continue;
    }
    let t = wf.tasks.find((x) => x.task_type === e.task_type);
    if (!t) {
      t = {
        task_type: e.task_type, task_status: e.to, attempts: e.attempt ?? 0, max_attempts: 0, error: null,
        depends_on: [], started_at: null, finished_at: null, duration_ms: null, next_attempt_at: null,
      };
      wf.tasks.push(t);
    }
    t.task_status = e.to;
    if (e.attempt !== null && e.attempt !== undefined) t.attempts = e.attempt;
    switch (e.to) {
      case 'running':
        t.started_at = e.at;
        t.finished_at = null;
        t.duration_ms = null;
        t.error = null;
        t.next_attempt_at = null;
        break;
      case 'pending':
        // Back to pending after an attempt: a retry is scheduled; detail says why the attempt failed.
        if (e.detail) t.error = e.detail;
        t.finished_at = null;
        t.duration_ms = null;
        break;
      case 'completed':
        t.error = null;
        t.finished_at = e.at;
        t.duration_ms = millisBetween(t.started_at, e.at);
        t.next_attempt_at = null;
        break;
      case 'failed':
      case 'cancelled':
        t.error = e.detail ?? t.error;
        t.finished_at = e.at;
        t.duration_ms = millisBetween(t.started_at, e.at);
        t.next_attempt_at = null;
        break;
    }
  }
  return wf;
}

/** One node of the task graph: its spec (when known) and its current state (when it exists yet). */
export interface GraphTask {
  task_type: string;
  depends_on: string[];
  max_attempts: number;
  state: TaskState | null;
}

/** The graph to draw: the spec's tasks, plus any task the status has that the spec does not. */
export function graphTasks(spec: WorkflowType | null, tasks: readonly TaskState[]): GraphTask[] {
  const out: GraphTask[] = [];
  const byType = new Map(tasks.map((t) => [t.task_type, t]));
  for (const s of spec?.tasks ?? []) {
    const state = byType.get(s.task_type) ?? null;
    out.push({
      task_type: s.task_type,
      depends_on: s.depends_on,
      max_attempts: state?.max_attempts || s.max_attempts,
      state,
    });
    byType.delete(s.task_type);
  }
  for (const t of byType.values()) {
    out.push({ task_type: t.task_type, depends_on: t.depends_on, max_attempts: t.max_attempts, state: t });
  }
  return out;
}

export function isTerminal(status: Status | string | null | undefined): boolean {
  return !!status && TERMINAL.has(status);
}
