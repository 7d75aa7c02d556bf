import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { ApiError, api, isAbort } from '../../lib/api.js';
import { LogsClosedEvent, TaskSelectedEvent, WorkflowStatusEvent } from '../../lib/events.js';
import { formatDuration, formatTime } from '../../lib/format.js';
import { LiveStream, type ConnectionState } from '../../lib/live.js';
import { statusLook } from '../../lib/status.js';
import {
  TERMINAL, isVerdictResult, type HistoryEvent, type ResultsResponse, type WorkflowInputData, type WorkflowStatus,
  type WorkflowType,
} from '../../lib/types.js';
import { applyEvents, emptyStatus, graphTasks, isTerminal } from '../../lib/workflow-state.js';
import { shared } from '../../styles/shared.js';
import '../kiln-dag/kiln-dag.js';
import type { KilnDag } from '../kiln-dag/kiln-dag.js';
import '../kiln-result/kiln-result.js';
import '../kiln-status-badge/kiln-status-badge.js';
import '../kiln-task-logs/kiln-task-logs.js';
import '../kiln-verdict-badge/kiln-verdict-badge.js';
import { styles } from './kiln-workflow-view.styles.js';

/** Status re-reads after events are batched: a burst of events costs one request. */
const REFRESH_DELAY_MS = 200;

const isWorkflowTerminalEvent = (e: HistoryEvent) => e.task_type === null && TERMINAL.has(e.to);

/**
 * One workflow, live: its task graph updated from the workflow's event stream (no polling), cancel
 * and retry, a task's logs, and the result once it has finished. The state drawn is the last /status
 * snapshot with every event received after it applied on top.
 */
@customElement('kiln-workflow-view')
export class KilnWorkflowView extends LitElement {
  static override styles = [shared, styles];

  @property({ type: Number, attribute: 'workflow-id' }) workflowId: number | null = null;
  @property({ attribute: false }) types: WorkflowType[] = [];
  /** The series this browser submitted for this workflow, when it did: the charts need them. */
  @property({ attribute: false }) input: WorkflowInputData | null = null;

  @state() private snapshot: WorkflowStatus | null = null;
  /** The id of the last event received before the snapshot was requested. */
  @state() private watermark = 0;
  @state() private events: HistoryEvent[] = [];
  @state() private results: ResultsResponse | null = null;
  @state() private connection: ConnectionState = 'connecting';
  @state() private loadError: string | null = null;
  @state() private notFound = false;
  @state() private selectedTask: string | null = null;
  @state() private busy: 'cancel' | 'retry' | null = null;
  @state() private confirmingCancel = false;
  @state() private actionError: string | null = null;

  // Derived in willUpdate.
  @state() private current: WorkflowStatus | null = null;
  @state() private spec: WorkflowType | null = null;
  @state() private announcement = '';

  @query('kiln-dag') private dag?: KilnDag;
  @query('h2') private heading?: HTMLElement;

  private stream: LiveStream | null = null;
  private controller: AbortController | null = null;
  private generation = 0;
  private statusRequest = 0;
  private statusApplied = 0;
  private resultsRequest = 0;
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  /** The terminal event that closed the stream: only a snapshot newer than it may reopen the stream. */
  private closedAt = 0;
  private previous: { status: string; tasks: Map<string, string> } | null = null;
  private statusToReport: WorkflowStatusEvent | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    // Re-attached after a disconnect: pick the stream up again.
    if (this.hasUpdated && this.workflowId !== null && !this.stream) this.start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stop();
  }

  /** For the app: focus the heading after it navigated here, so keyboard and screen reader users follow. */
  focusHeading(): void {
    this.heading?.focus();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('workflowId')) {
      this.snapshot = null;
      this.watermark = 0;
      this.events = [];
      this.results = null;
      this.loadError = null;
      this.notFound = false;
      this.selectedTask = null;
      this.confirmingCancel = false;
      this.actionError = null;
      this.previous = null;
      this.announcement = '';
      this.connection = 'connecting';
    }
    if (this.workflowId === null) {
      this.current = null;
      return;
    }
    const base = this.snapshot ?? emptyStatus(this.workflowId);
    const current = applyEvents(base, this.events.filter((e) => e.id > this.watermark));
    this.current = current;
    this.spec = this.types.find((t) => t.workflow_type === current.workflow_type) ?? null;
    this.announce(current);
  }

  /** Derives what the polite live region says from the change since the last update. */
  private announce(current: WorkflowStatus): void {
    if (!this.snapshot && this.events.length === 0) return;
    const tasks = new Map(current.tasks.map((t) => [t.task_type, t.task_status as string]));
    const verdict = isVerdictResult(this.results?.result) ? this.results!.result as { verdict: string } : null;
    const status = current.status + (verdict ? `:${verdict.verdict}` : '');
    const prev = this.previous;
    this.previous = { status, tasks };
    if (!prev) {
      this.announcement = `Workflow ${current.workflow_id} is ${current.status}.`;
      this.statusToReport = new WorkflowStatusEvent(current.workflow_id, current.status, verdict?.verdict ?? null);
      return;
    }
    const messages: string[] = [];
    for (const [type, s] of tasks) {
      if (prev.tasks.get(type) !== s) messages.push(`Task ${type} ${s}.`);
    }
    if (prev.status !== status) {
      messages.push(`Workflow ${current.workflow_id} ${current.status}${verdict ? `, verdict ${verdict.verdict}` : ''}.`);
      this.statusToReport = new WorkflowStatusEvent(current.workflow_id, current.status, verdict?.verdict ?? null);
    }
    if (messages.length) this.announcement = messages.join(' ');
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('workflowId')) this.start();
    if (this.statusToReport) {
      const e = this.statusToReport;
      this.statusToReport = null;
      this.dispatchEvent(e);
    }
  }

  private start(): void {
    this.stop();
    const id = this.workflowId;
    if (id === null) return;
    const generation = ++this.generation;
    this.controller = new AbortController();
    this.closedAt = 0;
    this.stream = new LiveStream({
      url: api.workflowEventsUrl(id),
      onEvent: (e) => this.onEvent(generation, e),
      onState: (s) => {
        if (generation === this.generation) this.connection = s;
      },
      closeAfter: isWorkflowTerminalEvent,
    }).open();
    void this.refreshStatus();
  }

  private stop(): void {
    this.generation++;
    this.stream?.close();
    this.stream = null;
    this.controller?.abort();
    this.controller = null;
    if (this.refreshTimer !== null) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
  }

  private onEvent(generation: number, e: HistoryEvent): void {
    if (generation !== this.generation) return;
    this.events = [...this.events, e];
    if (isWorkflowTerminalEvent(e)) {
      this.closedAt = e.id;
      void this.refreshStatus();
      void this.loadResults();
    } else if (e.task_type === null && e.to === 'running' && (e.from === 'failed' || e.from === 'cancelled')) {
      this.results = null; // retried: the old result is gone
      this.scheduleRefresh();
    } else {
      this.scheduleRefresh();
    }
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer !== null) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      void this.refreshStatus();
    }, REFRESH_DELAY_MS);
  }

  private async refreshStatus(): Promise<void> {
    const id = this.workflowId;
    const signal = this.controller?.signal;
    if (id === null || !signal) return;
    const generation = this.generation;
    const request = ++this.statusRequest;
    const watermark = this.stream?.lastId ?? 0;
    try {
      const s = await api.status(id, signal);
      if (generation !== this.generation || request < this.statusApplied) return; // stale
      this.statusApplied = request;
      this.snapshot = s;
      this.watermark = Math.max(this.watermark, watermark);
      this.loadError = null;
      if (isTerminal(s.status)) {
        if (!this.results) void this.loadResults();
      } else if (this.stream && !this.stream.isOpen && watermark >= this.closedAt) {
        // Running again (retried) after the stream closed on a terminal event: follow it again.
        this.stream.open();
      }
    } catch (err) {
      if (isAbort(err) || generation !== this.generation) return;
      if (err instanceof ApiError && err.status === 404) {
        this.notFound = true;
        this.stream?.close();
      } else {
        this.loadError = (err as Error).message;
      }
    }
  }

  private async loadResults(): Promise<void> {
    const id = this.workflowId;
    const signal = this.controller?.signal;
    if (id === null || !signal) return;
    const generation = this.generation;
    const request = ++this.resultsRequest;
    try {
      const r = await api.results(id, signal);
      if (generation !== this.generation || request !== this.resultsRequest) return;
      this.results = r;
    } catch (err) {
      if (isAbort(err) || generation !== this.generation) return;
      if (err instanceof ApiError && err.body?.error === 'not_ready') return; // retried meanwhile
      this.loadError = (err as Error).message;
    }
  }

  private async cancel(): Promise<void> {
    const id = this.workflowId;
    if (id === null) return;
    const generation = this.generation;
    this.busy = 'cancel';
    this.actionError = null;
    try {
      const s = await api.cancel(id);
      if (generation !== this.generation) return;
      this.snapshot = s;
      this.watermark = this.stream?.lastId ?? this.watermark;
    } catch (err) {
      if (generation === this.generation) this.actionError = (err as Error).message;
    } finally {
      if (generation === this.generation) {
        this.busy = null;
        this.confirmingCancel = false;
      }
    }
  }

  private async retry(): Promise<void> {
    const id = this.workflowId;
    if (id === null) return;
    const generation = this.generation;
    this.busy = 'retry';
    this.actionError = null;
    try {
      const s = await api.retry(id);
      if (generation !== this.generation) return;
      this.statusApplied = ++this.statusRequest; // older status reads in flight are now stale
      this.snapshot = s;
      this.watermark = this.stream?.lastId ?? this.watermark;
      this.results = null;
      if (this.stream && !this.stream.isOpen) this.stream.open();
    } catch (err) {
      if (generation === this.generation) this.actionError = (err as Error).message;
    } finally {
      if (generation === this.generation) this.busy = null;
    }
  }

  private onTaskSelected(e: TaskSelectedEvent) {
    e.stopPropagation();
    this.selectedTask = e.taskType;
  }

  private onLogsClosed(e: LogsClosedEvent) {
    e.stopPropagation();
    const task = this.selectedTask;
    this.selectedTask = null;
    if (task) void this.updateComplete.then(() => this.dag?.focusTask(task));
  }

  private renderActions(wf: WorkflowStatus) {
    const canCancel = wf.status === 'pending' || wf.status === 'running';
    const canRetry = wf.status === 'failed' || wf.status === 'cancelled';
    if (!canCancel && !canRetry) return nothing;
    return html`<div class="actions">
      ${canCancel && !this.confirmingCancel ? html`<button type="button" class="danger" @click=${() => (this.confirmingCancel = true)}
          ?disabled=${this.busy !== null}><span aria-hidden="true">⊘</span> Cancel run</button>` : nothing}
      ${canCancel && this.confirmingCancel ? html`<span class="confirm" role="group" aria-label="Confirm cancel">
          <span>Stop this run?</span>
          <button type="button" class="danger solid" @click=${this.cancel} ?disabled=${this.busy !== null}>
            ${this.busy === 'cancel' ? 'Cancelling…' : 'Yes, cancel'}</button>
          <button type="button" @click=${() => (this.confirmingCancel = false)}>Keep running</button>
        </span>` : nothing}
      ${canRetry ? html`<button type="button" class="primary" @click=${this.retry} ?disabled=${this.busy !== null}>
          <span aria-hidden="true">↻</span> ${this.busy === 'retry' ? 'Retrying…' : 'Retry'}</button>` : nothing}
    </div>`;
  }

  private renderProgress(wf: WorkflowStatus) {
    const tasks = graphTasks(this.spec, wf.tasks);
    const done = tasks.filter((t) => t.state?.task_status === 'completed').length;
    const total = tasks.length;
    if (isTerminal(wf.status) || total === 0) return nothing;
    return html`<div class="progress" role="progressbar" aria-label="Tasks completed" aria-valuemin="0"
        aria-valuemax=${total} aria-valuenow=${done} aria-valuetext="${done} of ${total} tasks completed">
      <div class="bar" style="width:${(100 * done) / total}%"></div>
      <span class="progress-text">${done} of ${total} tasks completed</span>
    </div>`;
  }

  private renderConnection(wf: WorkflowStatus) {
    if (isTerminal(wf.status) && this.connection === 'closed') return nothing;
    const text = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…', closed: 'not live' }[this.connection];
    return html`<span class="connection ${this.connection}" title="Updates arrive from Kiln's event stream">
      <span class="dot" aria-hidden="true"></span>${text}</span>`;
  }

  private renderActivity() {
    if (this.events.length === 0) return nothing;
    return html`<details class="activity">
      <summary>Activity <span class="muted">(${this.events.length} status changes)</span></summary>
      <ol>
        ${this.events.map((e) => html`<li>
          <time datetime=${e.at ?? ''}>${formatTime(e.at)}</time>
          <span class="who">${e.task_type ?? 'workflow'}</span>
          <span>${e.from ?? 'new'} → <strong>${statusLook(e.to).icon} ${e.to}</strong>${e.attempt ? ` (attempt ${e.attempt})` : ''}</span>
          ${e.detail ? html`<span class="detail">${e.detail}</span>` : nothing}
        </li>`)}
      </ol>
    </details>`;
  }

  override render() {
    const wf = this.current;
    if (this.workflowId === null || !wf) return nothing;
    if (this.notFound) {
      return html`<section class="panel missing" role="alert">
        <h2 tabindex="-1">Workflow #${this.workflowId} not found</h2>
        <p>Kiln has no workflow with this number. <a href="#/">Start a new analysis</a> or pick one from the list.</p>
      </section>`;
    }
    const selected = this.selectedTask ? wf.tasks.find((t) => t.task_type === this.selectedTask) ?? null : null;
    const resultVerdict = isVerdictResult(this.results?.result) ? (this.results!.result as { verdict: string }).verdict : null;
    return html`
      <section class="panel head" aria-labelledby="wf-title">
        <div class="title-row">
          <h2 id="wf-title" tabindex="-1">Workflow #${wf.workflow_id}</h2>
          <kiln-status-badge class="big" status=${this.snapshot || this.events.length ? wf.status : 'waiting'}></kiln-status-badge>
          ${resultVerdict ? html`<kiln-verdict-badge verdict=${resultVerdict}></kiln-verdict-badge>` : nothing}
          ${this.renderConnection(wf)}
        </div>
        <p class="meta">
          ${wf.workflow_type ? html`<span class="mono">${wf.workflow_type}</span>` : nothing}
          ${wf.created_at ? html`<span>submitted ${formatTime(wf.created_at)}</span>` : nothing}
          ${wf.duration_ms !== null && isTerminal(wf.status) ? html`<span>took ${formatDuration(wf.duration_ms)}</span>` : nothing}
        </p>
        ${this.renderProgress(wf)}
        ${wf.error ? html`<p class="wf-error" role="note"><strong>${wf.status === 'cancelled' ? 'Cancelled' : 'Error'}:</strong> ${wf.error}</p>` : nothing}
        ${this.renderActions(wf)}
        ${this.actionError ? html`<p class="action-error" role="alert">${this.actionError}</p>` : nothing}
        ${this.loadError ? html`<p class="action-error" role="alert">${this.loadError}</p>` : nothing}
      </section>

      <section class="panel" aria-labelledby="tasks-h">
        <h3 id="tasks-h">Tasks</h3>
        <kiln-dag .spec=${this.spec} .tasks=${wf.tasks} .selected=${this.selectedTask}
          @kiln-task-selected=${this.onTaskSelected}></kiln-dag>
      </section>

      ${this.results
        ? html`<kiln-result .results=${this.results} .input=${this.input} .spec=${this.spec}></kiln-result>`
        : html`<section class="panel waiting-result" aria-live="off">
            <p>${isTerminal(wf.status) ? 'Loading the result…' : html`<span class="spinner" aria-hidden="true"></span> The verdict and charts appear here when the analysis finishes.`}</p>
          </section>`}

      ${this.renderActivity()}

      <kiln-task-logs .workflowId=${this.workflowId} .taskType=${this.selectedTask} .task=${selected}
        @kiln-logs-closed=${this.onLogsClosed}></kiln-task-logs>
      <p class="sr-only" role="status" aria-live="polite" aria-atomic="true">${this.announcement}</p>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kiln-workflow-view': KilnWorkflowView;
  }
}
