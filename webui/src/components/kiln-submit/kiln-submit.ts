import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { ApiError, api, type InputFormat } from '../../lib/api.js';
import { WorkflowSubmittedEvent } from '../../lib/events.js';
import { exampleText } from '../../lib/example.js';
import { formatBytes, formatCount } from '../../lib/format.js';
import { fileIcon, flaskIcon, folderIcon, playIcon } from '../../lib/icons.js';
import { countValues, detectFormat, formatOfFile, seriesOf } from '../../lib/input.js';
import { locateError, type TextRange } from '../../lib/json-locate.js';
import type { WorkflowType } from '../../lib/types.js';
import { shared } from '../../styles/shared.js';
import { styles } from './kiln-submit.styles.js';

/** Bigger files are sent as they are, without putting them in the text box (which would crawl). */
const EDITABLE_LIMIT = 1_000_000;

interface FieldError {
  field: string | null;
  message: string;
  range: TextRange | null;
}

/**
 * Where readings go in: paste JSON, drop or pick a JSON/CSV file, or load the example; choose the
 * workflow type; submit. Kiln's validation errors appear next to the input, naming the field, and
 * the offending text is selected. On success dispatches kiln-workflow-submitted.
 */
@customElement('kiln-submit')
export class KilnSubmit extends LitElement {
  static override styles = [shared, styles];

  @property({ attribute: false }) types: WorkflowType[] = [];

  @state() private text = '';
  @state() private fileName: string | null = null;
  @state() private format: InputFormat = 'json';
  @state() private workflowType = '';
  @state() private busy = false;
  @state() private error: FieldError | null = null;
  @state() private dragging = false;
  @state() private summary = '';

  @query('textarea') private textarea?: HTMLTextAreaElement;
  @query('h2') private heading?: HTMLElement;
  private submission = 0;

  focusHeading(): void {
    this.heading?.focus();
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('types') && !this.types.some((t) => t.workflow_type === this.workflowType)) {
      this.workflowType = this.types.find((t) => t.workflow_type === 'manufacturing_analysis')?.workflow_type
        ?? this.types[0]?.workflow_type ?? '';
    }
    if (changed.has('text') || changed.has('format')) {
      this.summary = this.describeInput();
    }
  }

  private describeInput(): string {
    if (!this.text.trim()) return '';
    if (this.text.length > EDITABLE_LIMIT) return `${formatBytes(this.text.length)} of ${this.format.toUpperCase()}`;
    const parsed = seriesOf(this.text, this.format);
    if (!parsed) return this.format === 'json' ? 'Not valid JSON yet' : '';
    const s = parsed.sensor_readings.length;
    const m = parsed.measurements.length;
    return `${s} sensor${s === 1 ? '' : 's'}, ${m} measurement series, ${formatCount(countValues(parsed))} values`;
  }

  private setText(text: string, fileName: string | null, format: InputFormat) {
    this.text = text;
    this.fileName = fileName;
    this.format = format;
    this.error = null;
  }

  private loadExample() {
    this.setText(exampleText(), null, 'json');
  }

  private onInput(e: Event) {
    const text = (e.target as HTMLTextAreaElement).value;
    this.setText(text, null, detectFormat(text));
  }

  private async readFile(file: File) {
    const text = await file.text();
    this.setText(text, file.name, formatOfFile(file.name, file.type, text));
    this.updateComplete.then(() => this.textarea?.focus());
  }

  private onPick(e: Event) {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    if (file) void this.readFile(file);
    input.value = '';
  }

  private onDragOver(e: DragEvent) {
    if (!e.dataTransfer?.types.includes('Files')) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    this.dragging = true;
  }

  private onDrop(e: DragEvent) {
    const file = e.dataTransfer?.files?.[0];
    this.dragging = false;
    if (!file) return;
    e.preventDefault();
    void this.readFile(file);
  }

  private clear() {
    this.setText('', null, 'json');
  }

  private async submit(e: Event) {
    e.preventDefault();
    if (this.busy) return;
    if (!this.text.trim()) {
      this.error = { field: null, message: 'Paste readings, open a file or load the example first.', range: null };
      return;
    }
    const submission = ++this.submission;
    const text = this.text;
    const format = this.format;
    this.busy = true;
    this.error = null;
    try {
      const { workflow_id } = await api.submit(text, format, this.workflowType || null);
      if (submission !== this.submission) return;
      this.dispatchEvent(new WorkflowSubmittedEvent(workflow_id, seriesOf(text, format)));
    } catch (err) {
      if (submission !== this.submission) return;
      const field = err instanceof ApiError ? err.field : null;
      const message = (err as Error).message;
      this.error = { field, message, range: text.length <= EDITABLE_LIMIT ? locateError(text, field, message) : null };
      await this.updateComplete;
      // Put the cursor on the problem: the offending text is selected, ready to be typed over.
      this.showErrorInInput(true);
    } finally {
      if (submission === this.submission) this.busy = false;
    }
  }

  /** Selects the text Kiln complained about (and scrolls it into view). */
  private showErrorInInput(focus: boolean) {
    const range = this.error?.range;
    const ta = this.textarea;
    if (!range || !ta) return;
    ta.setSelectionRange(range.start, range.end);
    // Scroll the selection into view: approximate its line from the text before it.
    const line = ta.value.slice(0, range.start).split('\n').length - 1;
    const lineHeight = parseFloat(getComputedStyle(ta).lineHeight) || 18;
    ta.scrollTop = Math.max(0, line * lineHeight - ta.clientHeight / 3);
    if (focus) ta.focus();
  }

  override render() {
    const large = this.text.length > EDITABLE_LIMIT;
    const type = this.types.find((t) => t.workflow_type === this.workflowType);
    const err = this.error;
    return html`<form class="panel" @submit=${this.submit} novalidate>
      <h2 tabindex="-1">New analysis</h2>
      <p class="lead">Paste readings as JSON, drop a JSON or CSV file here, or load the example.</p>
      <div class="toolbar">
        <button type="button" @click=${this.loadExample}>${flaskIcon} Load example</button>
        <label class="button file">
          ${folderIcon} Open file…
          <input type="file" accept=".json,.csv,application/json,text/csv" @change=${this.onPick} />
        </label>
        ${this.text ? html`<button type="button" @click=${this.clear}>Clear</button>` : nothing}
      </div>

      <div class="field">
        <div class="label-row">
          <label for="readings">Readings <span class="muted">(${this.format === 'csv' ? 'CSV: kind,id,dimension,value' : 'JSON'})</span></label>
          <span class="summary" id="readings-summary" aria-live="polite">${this.summary}</span>
        </div>
        <div class="drop ${this.dragging ? 'dragging' : ''} ${err ? 'invalid' : ''}"
          @dragover=${this.onDragOver} @dragleave=${() => (this.dragging = false)} @drop=${this.onDrop}>
          ${large
            ? html`<div class="file-chip" id="readings" tabindex="0" role="note">
                ${fileIcon} <strong>${this.fileName ?? 'input'}</strong> — ${formatBytes(this.text.length)},
                too large to edit here; it is sent as it is.</div>`
            : html`<textarea id="readings" name="readings" spellcheck="false" autocomplete="off"
                placeholder='{"sensor_readings": [{"sensor_id": "temp_1", "values": [72.1, 73.4, 71.8]}], "measurements": [], "metadata": {}}'
                .value=${this.text} @input=${this.onInput}
                aria-invalid=${err ? 'true' : 'false'}
                aria-describedby="readings-summary ${err ? 'readings-error' : ''}"></textarea>`}
          <div class="drop-hint" aria-hidden="true">Drop the file to load it</div>
        </div>
        ${err ? html`<div class="error" id="readings-error" role="alert">
            <span class="error-icon" aria-hidden="true">✕</span>
            <div>
              ${err.field ? html`<p class="where">Problem in <code class="field">${err.field}</code></p>` : nothing}
              <p class="message">${err.message}</p>
              ${err.range ? html`<button type="button" class="show" @click=${() => this.showErrorInInput(true)}>Show it in the input</button>` : nothing}
            </div>
          </div>` : nothing}
      </div>

      ${this.types.length > 1 || (this.types.length === 1 && this.types[0].description) ? html`<div class="field type">
          <label for="type">Analysis</label>
          <select id="type" .value=${this.workflowType} @change=${(e: Event) => (this.workflowType = (e.target as HTMLSelectElement).value)}
            aria-describedby="type-description">
            ${this.types.map((t) => html`<option value=${t.workflow_type} ?selected=${t.workflow_type === this.workflowType}>${t.workflow_type}</option>`)}
          </select>
          <p id="type-description" class="muted">${type?.description ?? ''}
            ${type ? html`<span class="steps">${type.tasks.map((t) => t.task_type).join(' → ')}</span>` : nothing}</p>
        </div>` : nothing}

      <div class="submit-row">
        <button type="submit" class="primary big" ?disabled=${this.busy}>
          ${this.busy ? html`<span class="spinner" aria-hidden="true"></span> Submitting…` : html`${playIcon} Run analysis`}
        </button>
      </div>
    </form>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kiln-submit': KilnSubmit;
  }
}
