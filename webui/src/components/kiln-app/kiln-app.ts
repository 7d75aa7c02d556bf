import { LitElement, html, type PropertyValues } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { api, isAbort } from '../../lib/api.js';
import { plusIcon } from '../../lib/icons.js';
import type { WorkflowStatusEvent, WorkflowSubmittedEvent } from '../../lib/events.js';
import { recallInput, rememberInput } from '../../lib/input-store.js';
import { parseHash, workflowHash, type Route } from '../../lib/router.js';
import type { WorkflowInputData, WorkflowType } from '../../lib/types.js';
import { shared } from '../../styles/shared.js';
import '../kiln-history/kiln-history.js';
import '../kiln-submit/kiln-submit.js';
import type { KilnSubmit } from '../kiln-submit/kiln-submit.js';
import '../kiln-workflow-view/kiln-workflow-view.js';
import type { KilnWorkflowView } from '../kiln-workflow-view/kiln-workflow-view.js';
import { styles } from './kiln-app.styles.js';

/**
 * The page: header, the open view (new analysis at #/, a workflow at #/workflows/{id}) and the list
 * of recent runs. The URL names what is open, so it can be shared and reloaded.
 */
@customElement('kiln-app')
export class KilnApp extends LitElement {
  static override styles = [shared, styles];

  @state() private route: Route = parseHash(location.hash);
  @state() private types: WorkflowType[] = [];
  @state() private typesError: string | null = null;
  @state() private input: WorkflowInputData | null = null;

  @query('kiln-workflow-view') private view?: KilnWorkflowView;
  @query('kiln-submit') private form?: KilnSubmit;

  private controller: AbortController | null = null;
  private inputController: AbortController | null = null;
  private moveFocus = false;
  private readonly onHashChange = () => {
    this.route = parseHash(location.hash);
    this.moveFocus = true;
  };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.onHashChange);
    this.route = parseHash(location.hash);
    void this.loadTypes();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHashChange);
    this.controller?.abort();
    this.inputController?.abort();
  }

  private async loadTypes(): Promise<void> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    try {
      const body = await api.workflowTypes(controller.signal);
      if (controller !== this.controller) return;
      this.types = body.workflow_types;
      this.typesError = null;
    } catch (err) {
      if (isAbort(err) || controller !== this.controller) return;
      this.typesError = (err as Error).message;
    }
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('route')) {
      this.inputController?.abort();
      this.inputController = null;
      this.input = this.route.view === 'workflow' ? recallInput(this.route.id) : null;
      if (this.route.view === 'workflow' && !this.input) void this.loadInput(this.route.id);
    }
  }

  /**
   * A run this tab did not submit: its input comes from the API, for the full charts. Until it
   * arrives, or when it cannot be read (a read token this browser lacks, an older server), the
   * result view draws sketches from the result instead.
   */
  private async loadInput(id: number): Promise<void> {
    const controller = new AbortController();
    this.inputController = controller;
    try {
      const input = await api.input(id, controller.signal);
      if (controller !== this.inputController) return;
      rememberInput(id, input);
      this.input = input;
    } catch {
      // Aborted by a navigation, or refused: this.input stays null and the view sketches.
    }
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('route')) {
      document.title = this.route.view === 'workflow' ? `Kiln · #${this.route.id}` : 'Kiln · New analysis';
      if (this.moveFocus) {
        this.moveFocus = false;
        // After a navigation the person asked for, start reading (and tabbing) at the new view.
        void (this.view ?? this.form)?.updateComplete.then(() => (this.view ?? this.form)?.focusHeading());
      }
    }
  }

  private onSubmitted(e: WorkflowSubmittedEvent) {
    if (e.input) rememberInput(e.workflowId, e.input);
    location.hash = workflowHash(e.workflowId);
  }

  private onStatus(e: WorkflowStatusEvent) {
    document.title = `Kiln · #${e.workflowId} ${e.verdict ?? e.status}`;
  }

  override render() {
    const r = this.route;
    return html`
      <a class="skip" href="#main" @click=${(e: Event) => {
        e.preventDefault();
        this.renderRoot.querySelector<HTMLElement>('#main')?.focus();
      }}>Skip to content</a>
      <header class="top">
        <a class="brand" href="#/" aria-label="Kiln, new analysis">
          <span class="logo" aria-hidden="true">K</span><span class="name">Kiln</span>
        </a>
        <span class="tagline">manufacturing data analysis</span>
        <nav aria-label="Main">
          <a class="button ${r.view === 'new' ? 'current' : ''}" href="#/" aria-current=${r.view === 'new' ? 'page' : 'false'}>
            ${plusIcon} New analysis</a>
        </nav>
      </header>
      <div class="layout">
        <main id="main" tabindex="-1">
          ${this.typesError ? html`<p class="banner" role="alert">Could not read the workflow types: ${this.typesError}
            <button type="button" @click=${this.loadTypes}>Try again</button></p>` : ''}
          ${r.view === 'workflow'
            ? html`<kiln-workflow-view .workflowId=${r.id} .types=${this.types} .input=${this.input}
                @kiln-workflow-status=${this.onStatus}></kiln-workflow-view>`
            : r.view === 'new'
              ? html`<kiln-submit .types=${this.types} @kiln-workflow-submitted=${this.onSubmitted}></kiln-submit>`
              : html`<section class="panel"><h2 tabindex="-1">Nothing here</h2>
                  <p>The address <code>#${r.hash}</code> names no page. <a href="#/">Start a new analysis</a>.</p></section>`}
        </main>
        <aside aria-label="Recent runs">
          <kiln-history .activeId=${r.view === 'workflow' ? r.id : null}></kiln-history>
        </aside>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kiln-app': KilnApp;
  }
}
