import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { shared } from '../../styles/shared.js';
import { styles } from './kiln-data-table.styles.js';

export interface Column<T> {
  key: string;
  label: string;
  /** Right-aligned, sorted as numbers. */
  numeric?: boolean;
  /** The value sorted on (default: row[key]). */
  value?: (row: T) => string | number | null | undefined;
  /** What the cell shows (default: the value). */
  render?: (row: T) => TemplateResult | string;
  /** Not sortable. */
  fixed?: boolean;
}

type Direction = 'ascending' | 'descending';

/** A table whose columns sort when their header is pressed (mouse, touch or keyboard). */
@customElement('kiln-data-table')
export class KilnDataTable<T extends object = Record<string, unknown>> extends LitElement {
  static override styles = [shared, styles];

  @property({ attribute: false }) columns: Column<T>[] = [];
  @property({ attribute: false }) rows: T[] = [];
  @property() caption = '';
  @property({ attribute: 'empty-text' }) emptyText = 'Nothing to show.';
  /** Initial sort column and direction. */
  @property({ attribute: 'sort-key' }) sortKey: string | null = null;
  @property({ attribute: 'sort-direction' }) sortDirection: Direction = 'ascending';

  @state() private sorted: T[] = [];

  private cellValue(col: Column<T>, row: T) {
    return col.value ? col.value(row) : (row as Record<string, unknown>)[col.key] as string | number | null | undefined;
  }

  protected override willUpdate(): void {
    const col = this.columns.find((c) => c.key === this.sortKey);
    if (!col) {
      this.sorted = this.rows;
      return;
    }
    const sign = this.sortDirection === 'ascending' ? 1 : -1;
    const numeric = !!col.numeric;
    this.sorted = this.rows
      .map((row, i) => ({ row, i, v: this.cellValue(col, row) }))
      .sort((a, b) => {
        const av = a.v, bv = b.v;
        const aMissing = av === null || av === undefined || (numeric && !Number.isFinite(Number(av)));
        const bMissing = bv === null || bv === undefined || (numeric && !Number.isFinite(Number(bv)));
        if (aMissing || bMissing) return aMissing === bMissing ? a.i - b.i : aMissing ? 1 : -1; // blanks last
        const c = numeric ? Number(av) - Number(bv) : String(av).localeCompare(String(bv), undefined, { numeric: true });
        return c !== 0 ? c * sign : a.i - b.i;
      })
      .map((x) => x.row);
  }

  private sortBy(key: string) {
    if (this.sortKey === key) {
      this.sortDirection = this.sortDirection === 'ascending' ? 'descending' : 'ascending';
    } else {
      this.sortKey = key;
      this.sortDirection = this.columns.find((c) => c.key === key)?.numeric ? 'descending' : 'ascending';
    }
  }

  override render() {
    return html`<div class="scroll" tabindex="0" role="region" aria-label=${this.caption || 'table'}>
      <table>
        ${this.caption ? html`<caption>${this.caption}</caption>` : nothing}
        <thead>
          <tr>
            ${this.columns.map((c) => {
              const active = this.sortKey === c.key;
              return html`<th scope="col" class=${c.numeric ? 'num' : ''}
                aria-sort=${active ? this.sortDirection : 'none'}>
                ${c.fixed ? c.label : html`<button type="button" class="sort" @click=${() => this.sortBy(c.key)}>
                  ${c.label}<span class="arrow" aria-hidden="true">${active ? (this.sortDirection === 'ascending' ? '▲' : '▼') : '↕'}</span>
                  <span class="sr-only">${active ? `, sorted ${this.sortDirection}` : ', sortable'}</span>
                </button>`}
              </th>`;
            })}
          </tr>
        </thead>
        <tbody>
          ${this.sorted.length === 0
            ? html`<tr><td class="empty" colspan=${this.columns.length}>${this.emptyText}</td></tr>`
            : this.sorted.map((row) => html`<tr>
                ${this.columns.map((c) => html`<td class=${c.numeric ? 'num' : ''}>
                  ${c.render ? c.render(row) : this.cellValue(c, row) ?? '–'}</td>`)}
              </tr>`)}
        </tbody>
      </table>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kiln-data-table': KilnDataTable;
  }
}
