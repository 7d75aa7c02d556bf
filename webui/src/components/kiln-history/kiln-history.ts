import { LitElement, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { api, isAbort } from '../../lib/api.js';
import { formatAgo, formatTime } from '../../lib/format.js';
import { LiveStream, type ConnectionState } from '../../lib/live.js';
import { workflowHash } from '../../lib/router.js';
import { STATUSES, type HistoryEvent, type Status, type WorkflowSummary } from '../../lib/types.js';
import { shared } from '../../styles/shared.js';
import '../kiln-status-badge/kiln-status-badge.js';
import '../kiln-verdict-badge/kiln-verdict-badge.js';
import { styles } from './kiln-history.styles.js';

const PAGE = 25;
const RELOAD_DELAY_MS = 500;

/**
 * Recent workflows, newest first, with their status kept live from GET /events (every workflow's
 * changes). Filter by status; each row links to #/workflows/{id}.
 */
@customElement('kiln-history')
export class KilnHistory extends LitElement {
  static override styles = [shared, styles];

  @property({ type: Number, attribute: 'active-id' }) activeId: number | null = null;

  @state() private items: WorkflowSummary[] = [];
  @state() private filter: Status | '' = '';
  @state() private loading = false;
  @state() private error: string | null = null;
  @state() private nextCursor: number | null = null;
  @state() private connection: ConnectionState = 'connecting';
  @state() private now = Date.now();

  private stream: LiveStream | null = null;
  private controller: AbortController | null = null;
  private request = 0;
  private reloadTimer: ReturnType<typeof setTimeout> | null = null;
  private clock: ReturnType<typeof setInterval> | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load(false);
    this.stream = new LiveStream({
      url: api.allEventsUrl(),
      onEvent: (e) => this.onEvent(e),
      onState: (s) => (this.connection = s),
      // /events starts live: after a drop the browser could not heal, re-read the list.
      onOpen: (resumed) => {
        if (resumed) this.scheduleReload();
      },
    }).open();
    this.clock = setInterval(() => (this.now = Date.now()), 30_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stream?.close();
    this.stream = null;
    this.controller?.abort();
    if (this.reloadTimer !== null) clearTimeout(this.reloadTimer);
    this.reloadTimer = null;
    if (this.clock !== null) clearInterval(this.clock);
    this.clock = null;
  }

  /** Reads the first page again, or (more) the page after the last row shown. */
  async load(more: boolean): Promise<void> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    const request = ++this.request;
    this.loading = true;
    try {
      const limit = more ? PAGE : Math.min(500, Math.max(PAGE, this.items.length));
      const page = await api.list({ status: this.filter || null, limit, cursor: more ? this.nextCursor : null }, controller.signal);
      if (request !== this.request) return; // a newer read (another filter) won
      this.items = more ? [...this.items, ...page.workflows.filter((w) => !this.items.some((x) => x.workflow_id === w.workflow_id))] : page.workflows;
      this.nextCursor = page.next_cursor;
      this.error = null;
      this.now = Date.now();
    } catch (err) {
      if (isAbort(err) || request !== this.request) return;
      this.error = (err as Error).message;
    } finally {
      if (request === this.request) this.loading = false;
    }
  }

  private onEvent(e: HistoryEvent): void {
    if (e.task_type !== null) return;
    const known = this.items.some((w) => w.workflow_id === e.workflow_id);
    if (known) {
      this.items = this.items.map((w) => (w.workflow_id === e.workflow_id
        ? { ...w, status: e.to, updated_at: e.at ?? w.updated_at, verdict: e.to === 'completed' ? w.verdict : null }
        : w));
    }
    // New workflows, and finished ones (their verdict), need the row from the list endpoint.
    if (!known || e.to === 'completed' || e.from === null) this.scheduleReload();
  }

  private scheduleReload(): void {
    if (this.reloadTimer !== null) return;
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = null;
      void this.load(false);
    }, RELOAD_DELAY_MS);
  }

  private onFilter(e: Event) {
    this.filter = (e.target as HTMLSelectElement).value as Status | '';
    this.items = [];
    this.nextCursor = null;
    void this.load(false);
  }

  override render() {
    return html`<section aria-labelledby="history-h">
      <div class="head">
        <h2 id="history-h">Recent runs</h2>
        <span class="live ${this.connection}" title="Statuses update live">
          <span class="dot" aria-hidden="true"></span>${this.connection === 'live' ? 'live' : this.connection === 'closed' ? 'paused' : 'connecting…'}
        </span>
      </div>
      <label class="filter">Show
        <select @change=${this.onFilter} .value=${this.filter} aria-controls="runs">
          <option value="">all runs</option>
          ${STATUSES.map((s) => html`<option value=${s}>${s}</option>`)}
        </select>
      </label>
      ${this.error ? html`<p class="error" role="alert">${this.error} <button type="button" @click=${() => this.load(false)}>Try again</button></p>` : nothing}
      <ul id="runs" class="runs" aria-busy=${this.loading ? 'true' : 'false'}>
        ${this.items.map((w) => {
          const active = w.workflow_id === this.activeId;
          return html`<li>
            <a href=${workflowHash(w.workflow_id)} class=${active ? 'active' : ''} aria-current=${active ? 'page' : 'false'}
              data-workflow=${w.workflow_id}>
              <span class="id">#${w.workflow_id}</span>
              <span class="badges">
                <kiln-status-badge status=${w.status}></kiln-status-badge>
                ${w.verdict ? html`<kiln-verdict-badge verdict=${w.verdict}></kiln-verdict-badge>` : nothing}
              </span>
              <span class="type">${w.workflow_type}</span>
              <time datetime=${w.created_at} title=${formatTime(w.created_at)}>${formatAgo(w.created_at, this.now)}</time>
            </a>
          </li>`;
        })}
      </ul>
      ${!this.loading && this.items.length === 0 && !this.error
        ? html`<p class="muted empty">${this.filter ? `No ${this.filter} runs.` : 'No runs yet. Submit readings to start one.'}</p>` : nothing}
      ${this.loading && this.items.length === 0 ? html`<p class="muted empty">Loading…</p>` : nothing}
      ${this.nextCursor ? html`<button type="button" class="more" @click=${() => this.load(true)} ?disabled=${this.loading}>Show older runs</button>` : nothing}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kiln-history': KilnHistory;
  }
}
