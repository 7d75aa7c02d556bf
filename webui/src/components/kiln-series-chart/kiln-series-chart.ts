import { LitElement, html, nothing, svg } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { downsampleIndexes } from '../../lib/downsample.js';
import { extent, niceTicks } from '../../lib/stats.js';
import { formatCount, formatNumber } from '../../lib/format.js';
import { shared } from '../../styles/shared.js';
import { styles } from './kiln-series-chart.styles.js';

export interface Trend {
  slope: number;
  intercept: number;
  direction?: string;
}

export interface Band {
  mean: number;
  std: number;
  sigma: number;
}

/** Series longer than this are downsampled for drawing (min/max per pixel column, outliers kept). */
export const DOWNSAMPLE_ABOVE = 2000;
const MAX_MARKERS = 2000;
const M = { top: 14, right: 14, bottom: 30, left: 58 };

interface Model {
  w: number;
  h: number;
  line: string;
  drawn: number;
  markers: { x: number; y: number; i: number; v: number }[];
  trend: { x1: number; y1: number; x2: number; y2: number } | null;
  band: { top: number; bottom: number; mean: number } | null;
  yTicks: { y: number; label: string }[];
  xTicks: { x: number; label: string }[];
  x: (i: number) => number;
  y: (v: number) => number;
}

/**
 * One series as an SVG line chart: the values, flagged outliers as diamonds, the fitted trend line
 * (intercept + slope·i) dashed, and for measurements the mean ± sigma·std band. Resizes with its
 * container; long series are downsampled for drawing only.
 */
@customElement('kiln-series-chart')
export class KilnSeriesChart extends LitElement {
  static override styles = [shared, styles];

  @property() label = '';
  @property({ attribute: false }) values: number[] = [];
  @property({ attribute: false }) outlierIndexes: number[] = [];
  @property({ attribute: false }) trend: Trend | null = null;
  @property({ attribute: false }) band: Band | null = null;
  /**
   * Sketch mode, for a run whose readings are not available: no values, only `length` positions,
   * the flagged `outlierValues` (at `outlierIndexes`), the trend and the band.
   */
  @property({ type: Number }) length: number | null = null;
  @property({ attribute: false }) outlierValues: number[] | null = null;
  /** What one index is, for axis and readout ("reading", "piece"). */
  @property({ attribute: 'x-label' }) xLabel = 'reading';
  @property({ type: Number }) height = 210;

  @state() private width = 480;
  @state() private hover: number | null = null;
  @state() private model: Model | null = null;

  private resizer = new ResizeObserver((entries) => {
    const w = Math.round(entries[0]?.contentRect.width ?? 0);
    if (w > 0 && Math.abs(w - this.width) >= 2) this.width = w;
  });

  override connectedCallback(): void {
    super.connectedCallback();
    this.resizer.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizer.disconnect();
  }

  protected override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('hover') && changed.size === 1) return;
    this.model = this.computeModel();
    if (changed.has('values')) this.hover = null;
  }

  /** True when drawing from the result alone (no values). */
  get sketch(): boolean {
    return this.values.length === 0 && (this.length ?? 0) > 0;
  }

  private get count(): number {
    return this.sketch ? this.length! : this.values.length;
  }

  /** The value at index i: from the series, or (sketch) from the flagged values. */
  private valueAt(i: number): number | undefined {
    if (!this.sketch) return this.values[i];
    const k = this.outlierIndexes.indexOf(i);
    return k >= 0 ? this.outlierValues?.[k] : undefined;
  }

  private computeModel(): Model | null {
    const values = this.values;
    const sketch = this.sketch;
    const n = this.count;
    if (n === 0) return null;
    const w = Math.max(200, this.width);
    const h = this.height;
    const plotW = w - M.left - M.right;
    const plotH = h - M.top - M.bottom;
    let [lo, hi] = sketch ? extent(this.outlierValues ?? []) : extent(values);
    const trendEnds = this.trend ? [this.trend.intercept, this.trend.intercept + this.trend.slope * (n - 1)] : [];
    const bandEdges = this.band ? [this.band.mean - this.band.sigma * this.band.std, this.band.mean + this.band.sigma * this.band.std] : [];
    for (const v of [...trendEnds, ...bandEdges]) {
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) return null;
    if (lo === hi) {
      const pad = Math.abs(lo) * 0.01 || 1;
      lo -= pad;
      hi += pad;
    }
    const pad = (hi - lo) * 0.06;
    lo -= pad;
    hi += pad;
    const x = (i: number) => M.left + (n === 1 ? plotW / 2 : (i / (n - 1)) * plotW);
    const y = (v: number) => M.top + (1 - (v - lo) / (hi - lo)) * plotH;

    const keep = this.outlierIndexes.filter((i) => i >= 0 && i < n && this.valueAt(i) !== undefined);
    const idx = sketch ? [] : downsampleIndexes(values, Math.max(1, Math.floor(plotW)), keep, Math.max(DOWNSAMPLE_ABOVE, 2 * plotW));
    let line = '';
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k];
      line += `${k === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(values[i]).toFixed(1)}`;
    }
    const markers = keep.slice(0, MAX_MARKERS).map((i) => {
      const v = this.valueAt(i)!;
      return { i, v, x: x(i), y: y(v) };
    });
    const trend = this.trend && Number.isFinite(this.trend.slope) && Number.isFinite(this.trend.intercept)
      ? { x1: x(0), y1: y(this.trend.intercept), x2: x(n - 1), y2: y(this.trend.intercept + this.trend.slope * (n - 1)) }
      : null;
    const band = this.band && Number.isFinite(this.band.mean) && Number.isFinite(this.band.std)
      ? { top: y(this.band.mean + this.band.sigma * this.band.std), bottom: y(this.band.mean - this.band.sigma * this.band.std), mean: y(this.band.mean) }
      : null;
    const yTicks = niceTicks(lo, hi, Math.max(3, Math.round(plotH / 45))).map((v) => ({ y: y(v), label: formatNumber(v, 4) }));
    const xTicks = niceTicks(0, Math.max(1, n - 1), Math.max(2, Math.round(plotW / 90)))
      .filter((v) => Number.isInteger(v))
      .map((v) => ({ x: x(v), label: formatCount(v) }));
    return { w, h, line, drawn: sketch ? n : idx.length, markers, trend, band, yTicks, xTicks, x, y };
  }

  private summary(): string {
    const n = this.count;
    if (!n) return `${this.label}: no values`;
    const [lo, hi] = extent(this.values);
    const parts = [this.sketch
      ? `${this.label}: sketch of ${formatCount(n)} ${this.xLabel}s from the result (the readings are not available)`
      : `${this.label}: ${formatCount(n)} ${this.xLabel}s from ${formatNumber(lo)} to ${formatNumber(hi)}`];
    parts.push(this.outlierIndexes.length
      ? `${this.outlierIndexes.length} outlier${this.outlierIndexes.length === 1 ? '' : 's'} at ${this.xLabel} ${this.outlierIndexes.slice(0, 5).join(', ')}${this.outlierIndexes.length > 5 ? ' and more' : ''}`
      : 'no outliers');
    if (this.trend) parts.push(`trend ${this.trend.direction ?? ''} with slope ${formatNumber(this.trend.slope)} per ${this.xLabel}`);
    if (this.band) parts.push(`mean ${formatNumber(this.band.mean)}, band ± ${this.band.sigma} standard deviations (${formatNumber(this.band.std)})`);
    return parts.join('; ');
  }

  private onPointer(e: PointerEvent) {
    const m = this.model;
    const n = this.count;
    if (!m || n === 0) return;
    const svgEl = e.currentTarget as SVGSVGElement;
    const box = svgEl.getBoundingClientRect();
    const px = ((e.clientX - box.left) / box.width) * m.w;
    const plotW = m.w - M.left - M.right;
    const i = Math.round(((px - M.left) / plotW) * (n - 1));
    this.hover = i >= 0 && i < n && this.valueAt(i) !== undefined ? i : null;
  }

  override render() {
    const m = this.model;
    if (!m) return html`<p class="muted">No values.</p>`;
    const n = this.count;
    const outlierSet = this.hover !== null && this.outlierIndexes.includes(this.hover);
    const hoverValue = this.hover === null ? undefined : this.valueAt(this.hover);
    return html`
      <figure>
        <svg viewBox="0 0 ${m.w} ${m.h}" width=${m.w} height=${m.h} role="img" aria-label=${this.summary()}
          @pointermove=${this.onPointer} @pointerleave=${() => (this.hover = null)}>
          <g class="grid" aria-hidden="true">
            ${m.yTicks.map((t) => svg`<line x1=${M.left} x2=${m.w - M.right} y1=${t.y} y2=${t.y}></line>
              <text class="tick" x=${M.left - 6} y=${t.y} text-anchor="end" dominant-baseline="middle">${t.label}</text>`)}
            ${m.xTicks.map((t) => svg`<text class="tick" x=${t.x} y=${m.h - M.bottom + 16} text-anchor="middle">${t.label}</text>`)}
            <line class="axis" x1=${M.left} x2=${m.w - M.right} y1=${m.h - M.bottom} y2=${m.h - M.bottom}></line>
          </g>
          ${m.band ? svg`<g class="band" aria-hidden="true">
              <rect x=${M.left} width=${m.w - M.left - M.right} y=${m.band.top} height=${Math.max(0, m.band.bottom - m.band.top)}></rect>
              <line class="edge" x1=${M.left} x2=${m.w - M.right} y1=${m.band.top} y2=${m.band.top}></line>
              <line class="edge" x1=${M.left} x2=${m.w - M.right} y1=${m.band.bottom} y2=${m.band.bottom}></line>
              <line class="mean" x1=${M.left} x2=${m.w - M.right} y1=${m.band.mean} y2=${m.band.mean}></line>
              <text class="band-label" x=${m.w - M.right - 4} y=${m.band.top - 4} text-anchor="end">+${this.band!.sigma}σ</text>
              <text class="band-label" x=${m.w - M.right - 4} y=${m.band.bottom + 12} text-anchor="end">−${this.band!.sigma}σ</text>
            </g>` : nothing}
          <path class="series" d=${m.line} aria-hidden="true"></path>
          ${m.trend ? svg`<line class="trend" x1=${m.trend.x1} y1=${m.trend.y1} x2=${m.trend.x2} y2=${m.trend.y2} aria-hidden="true"></line>` : nothing}
          <g class="outliers" aria-hidden="true">
            ${m.markers.map((p) => svg`<path class="outlier" data-index=${p.i} d="M${p.x.toFixed(1)},${(p.y - 6).toFixed(1)} l6,6 l-6,6 l-6,-6 z"></path>`)}
          </g>
          ${this.hover !== null && hoverValue !== undefined ? svg`<g class="hover" aria-hidden="true">
              <line x1=${m.x(this.hover)} x2=${m.x(this.hover)} y1=${M.top} y2=${m.h - M.bottom}></line>
              <circle cx=${m.x(this.hover)} cy=${m.y(hoverValue)} r="4"></circle>
            </g>` : nothing}
        </svg>
        <figcaption>
          <ul class="legend">
            ${this.sketch ? nothing : html`<li><span class="key line" aria-hidden="true"></span>${this.xLabel} values</li>`}
            ${this.outlierIndexes.length ? html`<li><span class="key diamond" aria-hidden="true">◆</span>${this.outlierIndexes.length} outlier${this.outlierIndexes.length === 1 ? '' : 's'}</li>` : nothing}
            ${this.trend ? html`<li><span class="key dashed" aria-hidden="true"></span>trend ${formatNumber(this.trend.slope, 3)} per ${this.xLabel}</li>` : nothing}
            ${this.band ? html`<li><span class="key band" aria-hidden="true"></span>mean ± ${this.band.sigma}σ</li>` : nothing}
          </ul>
          <span class="readout" aria-hidden="true">${this.hover !== null && hoverValue !== undefined
            ? `${this.xLabel} ${formatCount(this.hover)}: ${formatNumber(hoverValue, 6)}${outlierSet ? ' (outlier)' : ''}`
            : ''}</span>
          ${this.sketch ? html`<span class="sampled">Sketch from the result over ${formatCount(n)} ${this.xLabel}s: the readings themselves are not available here.</span>` : nothing}
          ${!this.sketch && m.drawn < n ? html`<span class="sampled">Drawn from ${formatCount(m.drawn)} of ${formatCount(n)} points (lowest and highest per pixel column; every outlier kept).</span>` : nothing}
        </figcaption>
      </figure>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kiln-series-chart': KilnSeriesChart;
  }
}
