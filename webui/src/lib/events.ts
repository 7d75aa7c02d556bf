import type { WorkflowInputData } from './types.js';

/**
 * The custom events the components dispatch, as classes so listeners get typed fields
 * (HTMLElementEventMap below makes `addEventListener('kiln-…')` and Lit's `@kiln-…` typed too).
 * All bubble and cross shadow roots.
 */

/** kiln-submit: Kiln accepted an input and created workflow `workflowId`. */
export class WorkflowSubmittedEvent extends Event {
  static readonly type = 'kiln-workflow-submitted';
  constructor(readonly workflowId: number, readonly input: WorkflowInputData | null) {
    super(WorkflowSubmittedEvent.type, { bubbles: true, composed: true });
  }
}

/** kiln-dag: a person asked for a task's details and logs. */
export class TaskSelectedEvent extends Event {
  static readonly type = 'kiln-task-selected';
  constructor(readonly taskType: string) {
    super(TaskSelectedEvent.type, { bubbles: true, composed: true });
  }
}

/** kiln-task-logs: the logs dialog was closed. */
export class LogsClosedEvent extends Event {
  static readonly type = 'kiln-logs-closed';
  constructor(readonly taskType: string | null) {
    super(LogsClosedEvent.type, { bubbles: true, composed: true });
  }
}

/** kiln-workflow-view: the open workflow's status changed (the app updates the page title). */
export class WorkflowStatusEvent extends Event {
  static readonly type = 'kiln-workflow-status';
  constructor(readonly workflowId: number, readonly status: string, readonly verdict: string | null) {
    super(WorkflowStatusEvent.type, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'kiln-workflow-submitted': WorkflowSubmittedEvent;
    'kiln-task-selected': TaskSelectedEvent;
    'kiln-logs-closed': LogsClosedEvent;
    'kiln-workflow-status': WorkflowStatusEvent;
  }
}
