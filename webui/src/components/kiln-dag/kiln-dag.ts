import { LitElement, html, nothing, svg } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { layoutDag, type Layout } from '../../lib/dag-layout.js';
import { TaskSelectedEvent } from '../../lib/events.js';
import { formatDuration, formatTime } from '../../lib/format.js';
import { STATUS_LOOK, statusLook } from '../../lib/status.js';
import type { TaskState, WorkflowType } from '../../lib/types.js';
import { graphTasks, type GraphTask } from '../../lib/workflow-state.js';
import { shared } from '../../styles/shared.js';
import { styles } from './kiln-dag.styles.js';

const NODE_W = 216;
const NODE_H = 88;
/** Narrower than this, the graph runs top to bottom so nodes stay readable on phones. */
const VERTICAL_BELOW = 620;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * The workflow's task graph as SVG: nodes are tasks, edges dependencies. Each node shows its state
 * by colour, symbol and word, its attempts, duration and error. Nodes are buttons: pressing one
 * (click, Enter or Space) dispatches kiln-task-selected.
 */
@customElement('kiln-dag')
export class KilnDag extends LitElement {
  static override styles = [shared, styles];

  @property({ attribute: false }) spec: WorkflowType | null = null;
  @property({ attribute: false }) tasks: TaskState[] = [];
  @property({ attribute: false }) selected: string | null = null;

  @state() private width = 800;
  @state() private graph: GraphTask[] = [];
  @state() private layout: Layout | null = null;

  private resizer = new ResizeObserver((entries) => {
    const w = Math.round(entries[0]?.contentRect.width ?? 0);
    if (w > 0 && w !== this.width) this.width = w;
  });

  override connectedCallback(): void {
    super.connectedCallback();
    this.resizer.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizer.disconnect();
  }

  get vertical(): boolean {
    return this.width < VERTICAL_BELOW;
  }

  protected override willUpdate(): void {
    this.graph = graphTasks(this.spec, this.tasks);
    this.layout = layoutDag(this.graph.map((t) => ({ id: t.task_type, deps: t.depends_on })), {
      vertical: this.vertical, nodeWidth: NODE_W, nodeHeight: NODE_H, gapMain: this.vertical ? 36 : 56, gapCross: 18, pad: 6,
    });
  }

  /** Moves keyboard focus to a task's node (after its logs dialog closes). */
  focusTask(taskType: string): void {
    const node = this.renderRoot.querySelector<SVGGElement>(`g.node[data-task="${CSS.escape(taskType)}"]`);
    node?.focus();
  }

  private select(taskType: string) {
    this.dispatchEvent(new TaskSelectedEvent(taskType));
  }

  private onKey(e: KeyboardEvent, taskType: string) {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      this.select(taskType);
    }
  }

  private describe(t: GraphTask): { status: string; lines: string[]; error: string | null; aria: string } {
    const s = t.state;
    const status = s?.task_status ?? 'waiting';
    const lines: string[] = [];
    const attempts = s && s.attempts > 0 ? `attempt ${s.attempts} of ${t.max_attempts || s.max_attempts || '?'}` : '';
    let timing = '';
    if (s?.duration_ms !== null && s?.duration_ms !== undefined) timing = formatDuration(s.duration_ms);
    else if (status === 'pending' && s?.next_attempt_at) timing = `retry at ${formatTime(s.next_attempt_at)}`;
    else if (status === 'pending' && s && s.attempts > 0) timing = 'retry scheduled';
    else if (status === 'running' && s?.started_at) timing = `since ${formatTime(s.started_at)}`;
    lines.push([attempts, timing].filter(Boolean).join(' · '));
    const error = s?.error && status !== 'completed' ? s.error : null;
    const aria = [
      `Task ${t.task_type}: ${statusLook(status).label}`,
      attempts, timing, error ? `error: ${error}` : '',
      t.depends_on.length ? `after ${t.depends_on.join(' and ')}` : 'runs first',
      'press to open its logs',
    ].filter(Boolean).join(', ');
    return { status, lines, error, aria };
  }

  override render() {
    const layout = this.layout;
    if (!layout || this.graph.length === 0) {
      return html`<p class="muted empty">The task graph appears once Kiln has planned the tasks.</p>`;
    }
    const byId = new Map(this.graph.map((t) => [t.task_type, t]));
    const pos = new Map(layout.nodes.map((n) => [n.id, n]));
    return html`
      <div class="frame ${this.vertical ? 'vertical' : 'horizontal'}">
        <svg viewBox="0 0 ${layout.width} ${layout.height}" width=${layout.width} height=${layout.height}
          style="width:100%;max-width:${Math.round(layout.width * 1.5)}px"
          role="group" aria-label="Task graph: ${this.graph.length} tasks">
          <defs>
            <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
              <path d="M0,0 L10,5 L0,10 z" class="arrowhead"></path>
            </marker>
          </defs>
          <g class="edges" aria-hidden="true">
            ${layout.edges.map((e) => {
              const done = byId.get(e.from)?.state?.task_status === 'completed';
              return svg`<path class="edge ${done ? 'done' : ''}" data-from=${e.from} data-to=${e.to} d=${e.d} marker-end="url(#arrow)"></path>`;
            })}
          </g>
          ${this.graph.map((t) => {
            const p = pos.get(t.task_type)!;
            const d = this.describe(t);
            const look = statusLook(d.status);
            return svg`<g class="node ${d.status} ${this.selected === t.task_type ? 'selected' : ''}"
                data-task=${t.task_type} data-status=${d.status}
                transform="translate(${p.x},${p.y})" role="button" tabindex="0" aria-label=${d.aria}
                @click=${() => this.select(t.task_type)} @keydown=${(e: KeyboardEvent) => this.onKey(e, t.task_type)}>
              <rect class="focus-ring" x="-5" y="-5" width=${NODE_W + 10} height=${NODE_H + 10} rx="14"></rect>
              <rect class="box" width=${NODE_W} height=${NODE_H} rx="10"></rect>
              <rect class="stripe" width="8" height=${NODE_H} rx="4"></rect>
              <text class="name" x="20" y="25">${clip(t.task_type, 22)}</text>
              <text class="state" x="20" y="49"><tspan class="icon">${look.icon}</tspan> ${look.label}</text>
              <text class="detail" x="20" y="70">${clip(d.error ? `⚠ ${d.error}` : d.lines[0], 30)}</text>
              <title>${d.aria}</title>
            </g>`;
          })}
        </svg>
      </div>
      <ul class="legend" aria-label="Legend">
        ${(['pending', 'running', 'completed', 'failed', 'cancelled'] as const).map((s) => html`<li class="key ${s}">
          <span class="swatch" aria-hidden="true">${STATUS_LOOK[s].icon}</span>${STATUS_LOOK[s].label}</li>`)}
        <li class="hint">${this.vertical ? 'Tap' : 'Select'} a task for its logs</li>
      </ul>
      ${nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kiln-dag': KilnDag;
  }
}
