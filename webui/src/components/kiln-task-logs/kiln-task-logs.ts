import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { api, isAbort } from '../../lib/api.js';
import { LogsClosedEvent } from '../../lib/events.js';
import { formatDuration, formatTime } from '../../lib/format.js';
import type { LogLine, TaskState } from '../../lib/types.js';
import { shared } from '../../styles/shared.js';
import '../kiln-status-badge/kiln-status-badge.js';
import { styles } from './kiln-task-logs.styles.js';

/**
 * A task's details and log lines (all attempts) in a modal dialog. Opens when `taskType` is set;
 * Escape or Close closes it and dispatches kiln-logs-closed. A newer request replaces an older one:
 * late answers for another task are dropped.
 */
@customElement('kiln-task-logs')
export class KilnTaskLogs extends LitElement {
  static override styles = [shared, styles];

  @property({ type: Number, attribute: false }) workflowId: number | null = null;
  @property({ attribute: false }) taskType: string | null = null;
  @property({ attribute: false }) task: TaskState | null = null;

  @state() private lines: LogLine[] | null = null;
  @state() private error: string | null = null;
  @state() private loading = false;

  @query('dialog') private dialog!: HTMLDialogElement;
  private controller: AbortController | null = null;
  private request = 0;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.controller?.abort();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('taskType') || changed.has('workflowId')) {
      this.lines = null;
      this.error = null;
      this.loading = !!this.taskType && this.workflowId !== null;
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('taskType') || changed.has('workflowId')) {
      if (this.taskType && this.workflowId !== null) {
        if (!this.dialog.open) this.dialog.showModal();
        void this.fetchLogs();
      } else if (this.dialog.open) {
        this.dialog.close();
      }
    }
  }

  /** Reads the log again (the Refresh button). */
  refresh(): void {
    this.loading = true;
    void this.fetchLogs();
  }

  private async fetchLogs(): Promise<void> {
    const id = this.workflowId;
    const taskType = this.taskType;
    if (id === null || !taskType) return;
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    const request = ++this.request;
    try {
      const body = await api.logs(id, taskType, controller.signal);
      if (request !== this.request) return; // an answer for an older request
      this.lines = body.logs;
      this.error = null;
    } catch (err) {
      if (isAbort(err) || request !== this.request) return;
      this.error = (err as Error).message;
    } finally {
      if (request === this.request) this.loading = false;
    }
  }

  private onClose() {
    this.controller?.abort();
    this.dispatchEvent(new LogsClosedEvent(this.taskType));
  }

  override render() {
    const t = this.task;
    const byAttempt = new Map<number, LogLine[]>();
    for (const l of this.lines ?? []) {
      const list = byAttempt.get(l.attempt) ?? [];
      list.push(l);
      byAttempt.set(l.attempt, list);
    }
    return html`<dialog aria-labelledby="title" @close=${this.onClose}>
      <header>
        <h2 id="title">Task <code>${this.taskType ?? ''}</code></h2>
        <button type="button" class="close" @click=${() => this.dialog.close()} aria-label="Close logs">✕</button>
      </header>
      ${t ? html`<dl class="facts">
          <div><dt>Status</dt><dd><kiln-status-badge status=${t.task_status}></kiln-status-badge></dd></div>
          <div><dt>Attempts</dt><dd>${t.attempts} of ${t.max_attempts || '?'}</dd></div>
          ${t.started_at ? html`<div><dt>Started</dt><dd>${formatTime(t.started_at)}</dd></div>` : nothing}
          ${t.duration_ms !== null ? html`<div><dt>Took</dt><dd>${formatDuration(t.duration_ms)}</dd></div>` : nothing}
          ${t.next_attempt_at ? html`<div><dt>Next attempt</dt><dd>${formatTime(t.next_attempt_at)}</dd></div>` : nothing}
        </dl>
        ${t.error ? html`<p class="error" role="note"><strong>Error:</strong> ${t.error}</p>` : nothing}`
        : html`<p class="muted">Kiln has not created this task yet: it starts when the tasks it depends on complete.</p>`}
      <section aria-labelledby="logs-h" aria-busy=${this.loading ? 'true' : 'false'}>
        <div class="logs-head">
          <h3 id="logs-h">Log</h3>
          <button type="button" @click=${() => this.refresh()} ?disabled=${this.loading}>↻ Refresh</button>
        </div>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        ${this.lines === null && !this.error ? html`<p class="muted">Loading…</p>` : nothing}
        ${this.lines && this.lines.length === 0 ? html`<p class="muted">No log lines for this task yet.</p>` : nothing}
        ${[...byAttempt.entries()].map(([attempt, lines]) => html`
          <h4>Attempt ${attempt}</h4>
          <ol class="lines">
            ${lines.map((l) => html`<li class=${l.level.toLowerCase()}>
              <time datetime=${l.at}>${formatTime(l.at)}</time>
              <span class="level">${l.level}</span>
              <span class="message">${l.message}</span>
            </li>`)}
          </ol>`)}
      </section>
      <footer><button type="button" class="primary" @click=${() => this.dialog.close()}>Close</button></footer>
    </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kiln-task-logs': KilnTaskLogs;
  }
}
