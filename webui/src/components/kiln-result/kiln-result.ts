import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { formatCount, formatNumber, formatPValue } from '../../lib/format.js';
import { meanStd } from '../../lib/stats.js';
import {
  isVerdictResult, type OutlierEntry, type ResultsResponse, type TrendEntry, type VerdictResult,
  type WorkflowInputData, type WorkflowType,
} from '../../lib/types.js';
import { shared } from '../../styles/shared.js';
import type { Column } from '../kiln-data-table/kiln-data-table.js';
import '../kiln-data-table/kiln-data-table.js';
import type { Band, Trend } from '../kiln-series-chart/kiln-series-chart.js';
import '../kiln-series-chart/kiln-series-chart.js';
import '../kiln-status-badge/kiln-status-badge.js';
import '../kiln-verdict-badge/kiln-verdict-badge.js';
import { styles } from './kiln-result.styles.js';

interface SensorChart {
  id: string;
  values: number[];
  outliers: number[];
  trend: Trend | null;
  unstable: boolean;
}

/** What the result alone allows drawing when the readings are not available. */
interface Sketch {
  id: string;
  kind: 'sensor' | 'measurement';
  n: number;
  outliers: number[];
  outlierValues: number[];
  trend: Trend | null;
  band: Band | null;
  unstable: boolean;
}

interface MeasurementChart {
  key: string;
  part: string;
  dimension: string;
  values: number[];
  outliers: number[];
  band: Band;
}

interface OutlierRow {
  series: string;
  kind: string;
  count: number;
  values: number[];
  indexes: number[];
  mean: number;
  std: number;
  n: number;
}

const DIRECTION_ICON: Record<string, string> = { increasing: '↗', decreasing: '↘', stable: '→' };

const seriesName = (o: { sensor_id?: string; part_id?: string; dimension?: string }) =>
  o.sensor_id ?? `${o.part_id} · ${o.dimension}`;

/**
 * A finished workflow's result: the verdict, per-sensor charts (values, outliers, trend line),
 * per-part charts (mean ± sigma·std band), and sortable tables of outliers and trends. Charts need
 * the input series; without them only the statistics are shown, and the page says why.
 */
@customElement('kiln-result')
export class KilnResult extends LitElement {
  static override styles = [shared, styles];

  @property({ attribute: false }) results: ResultsResponse | null = null;
  @property({ attribute: false }) input: WorkflowInputData | null = null;
  @property({ attribute: false }) spec: WorkflowType | null = null;

  @state() private verdict: VerdictResult | null = null;
  @state() private sigma = 2;
  @state() private sensors: SensorChart[] = [];
  @state() private parts: MeasurementChart[] = [];
  @state() private outlierRows: OutlierRow[] = [];
  @state() private sketches: Sketch[] = [];
  @state() private onlyFlagged = false;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!(changed.has('results') || changed.has('input') || changed.has('spec'))) return;
    const r = this.results?.result;
    this.verdict = isVerdictResult(r) ? r : null;
    const v = this.verdict;
    const specSigma = Number(this.spec?.tasks.find((t) => t.task_type === 'detect_outliers')?.params?.sigma);
    const resultSigma = Number((r as Record<string, unknown> | null)?.sigma);
    this.sigma = Number.isFinite(specSigma) && specSigma > 0 ? specSigma : Number.isFinite(resultSigma) && resultSigma > 0 ? resultSigma : 2;
    if (!v) {
      this.sensors = [];
      this.parts = [];
      this.outlierRows = [];
      this.sketches = [];
      return;
    }
    const sensorOutliers = new Map<string, OutlierEntry>();
    const partOutliers = new Map<string, OutlierEntry>();
    for (const o of v.outliers) {
      if (o.sensor_id !== undefined) sensorOutliers.set(o.sensor_id, o);
      else partOutliers.set(`${o.part_id}\u0000${o.dimension}`, o);
    }
    const trends = new Map<string, TrendEntry>(v.trends.map((t) => [t.sensor_id, t]));
    const unstable = new Set(v.unstable_sensors);
    this.sensors = (this.input?.sensor_readings ?? []).map((s) => {
      const t = trends.get(s.sensor_id);
      return {
        id: s.sensor_id,
        values: s.values,
        outliers: sensorOutliers.get(s.sensor_id)?.indexes ?? [],
        trend: t ? { slope: t.slope, intercept: t.intercept, direction: t.direction } : null,
        unstable: unstable.has(s.sensor_id),
      };
    });
    // Problems first: the person looks at what needs attention before what is fine.
    const rank = (c: SensorChart) => (c.outliers.length ? 0 : 2) + (c.unstable ? 0 : 1);
    this.sensors = this.sensors.map((c, i) => ({ c, i })).sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i).map((x) => x.c);
    this.parts = (this.input?.measurements ?? []).map((m) => {
      const key = `${m.part_id}\u0000${m.dimension}`;
      const o = partOutliers.get(key);
      const stats = o ? { mean: o.mean, std: o.std } : meanStd(m.values);
      return {
        key, part: m.part_id, dimension: m.dimension, values: m.values, outliers: o?.indexes ?? [],
        band: { mean: stats.mean, std: stats.std, sigma: this.sigma },
      };
    }).sort((a, b) => (b.outliers.length ? 1 : 0) - (a.outliers.length ? 1 : 0));
    this.sketches = this.input ? [] : this.sketchesOf(v, sensorOutliers, trends, unstable);
    this.outlierRows = v.outliers.map((o) => ({
      series: seriesName(o), kind: o.kind ?? (o.sensor_id ? 'sensor' : 'measurement'), count: o.outliers.length,
      values: o.outliers, indexes: o.indexes ?? [], mean: o.mean, std: o.std, n: o.n,
    }));
  }

  private sketchesOf(v: VerdictResult, sensorOutliers: Map<string, OutlierEntry>, trends: Map<string, TrendEntry>,
    unstable: Set<string>): Sketch[] {
    const out: Sketch[] = [];
    const sensorIds = [...new Set([...sensorOutliers.keys(), ...trends.keys()])];
    for (const id of sensorIds) {
      const o = sensorOutliers.get(id);
      const t = trends.get(id);
      out.push({
        id, kind: 'sensor', n: t?.n ?? o?.n ?? 0, outliers: o?.indexes ?? [], outlierValues: o?.outliers ?? [],
        trend: t ? { slope: t.slope, intercept: t.intercept, direction: t.direction } : null,
        band: o ? { mean: o.mean, std: o.std, sigma: this.sigma } : null, unstable: unstable.has(id),
      });
    }
    for (const o of v.outliers) {
      if (o.sensor_id !== undefined) continue;
      out.push({
        id: seriesName(o), kind: 'measurement', n: o.n, outliers: o.indexes ?? [], outlierValues: o.outliers, trend: null,
        band: { mean: o.mean, std: o.std, sigma: this.sigma }, unstable: false,
      });
    }
    const rank = (c: Sketch) => (c.outliers.length ? 0 : 2) + (c.unstable ? 0 : 1);
    // Only what needs attention: without the readings the y scale of a steady series would be arbitrary,
    // and a flat line stretched to fill the chart would look like a trend.
    return out.filter((c) => c.n > 0 && (c.outliers.length > 0 || c.unstable)).map((c, i) => ({ c, i })).sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i).map((x) => x.c);
  }

  private outlierColumns: Column<OutlierRow>[] = [
    { key: 'series', label: 'Series' },
    { key: 'kind', label: 'Kind' },
    { key: 'count', label: 'Flagged', numeric: true },
    {
      key: 'values', label: 'Flagged values (at index)', fixed: true,
      render: (r) => html`<span class="mono">${r.values.slice(0, 6).map((v, k) => `${formatNumber(v, 6)} (@${r.indexes[k] ?? '?'})`).join(', ')}${r.values.length > 6 ? ` … +${r.values.length - 6}` : ''}</span>`,
    },
    { key: 'mean', label: 'Mean', numeric: true, render: (r) => formatNumber(r.mean, 6) },
    { key: 'std', label: 'Std', numeric: true, render: (r) => formatNumber(r.std, 4) },
    { key: 'n', label: 'n', numeric: true, render: (r) => formatCount(r.n) },
  ];

  private trendColumns: Column<TrendEntry>[] = [
    { key: 'sensor_id', label: 'Sensor' },
    {
      key: 'direction', label: 'Direction',
      render: (t) => html`<span class="direction ${t.direction}"><span aria-hidden="true">${DIRECTION_ICON[t.direction] ?? ''}</span> ${t.direction}</span>`,
    },
    { key: 'slope', label: 'Slope / reading', numeric: true, render: (t) => formatNumber(t.slope, 4) },
    { key: 'intercept', label: 'Intercept', numeric: true, render: (t) => formatNumber(t.intercept, 6) },
    { key: 'r_squared', label: 'R²', numeric: true, render: (t) => formatNumber(t.r_squared, 3) },
    { key: 'p_value', label: 'p', numeric: true, render: (t) => formatPValue(t.p_value) },
    { key: 'n', label: 'n', numeric: true, render: (t) => formatCount(t.n) },
  ];

  private renderVerdict(v: VerdictResult) {
    const flaggedValues = v.outliers.reduce((s, o) => s + o.outliers.length, 0);
    return html`<section class="verdict panel ${v.verdict}" aria-labelledby="verdict-h">
      <kiln-verdict-badge verdict=${v.verdict} size="large"></kiln-verdict-badge>
      <div class="verdict-text">
        <h3 id="verdict-h" class="sr-only">Verdict</h3>
        <p class="summary">${v.summary}</p>
        <ul class="facts">
          <li class=${v.outliers.length ? 'bad' : 'good'}>
            <span class="fact-icon" aria-hidden="true">${v.outliers.length ? '◆' : '✓'}</span>
            ${v.outliers.length
              ? `${v.outliers.length} series with outliers (${formatCount(flaggedValues)} value${flaggedValues === 1 ? '' : 's'} beyond ${this.sigma}σ)`
              : 'No outliers'}
          </li>
          <li class=${v.unstable_sensors.length ? 'bad' : 'good'}>
            <span class="fact-icon" aria-hidden="true">${v.unstable_sensors.length ? '↗' : '✓'}</span>
            ${v.unstable_sensors.length ? `Unstable: ${v.unstable_sensors.join(', ')}` : 'All sensors stable'}
          </li>
        </ul>
      </div>
    </section>`;
  }

  private renderNoInput() {
    return html`<p class="notice" role="note">
      <strong>No full charts for this run.</strong> Charts need the readings themselves, and the input of run
      #${this.results?.workflow_id} could not be read from Kiln (it may need an API token for reads). The sketches below
      are drawn from the result alone (fitted trend lines and the flagged values); the tables are complete.
    </p>
    ${this.sketches.length ? html`<section aria-labelledby="sketches-h">
      <div class="section-head"><h3 id="sketches-h">Sketches from the result <span class="count">${this.sketches.length}</span></h3></div>
      <div class="charts">
        ${this.sketches.map((c) => html`<article class="chart sketch panel ${c.outliers.length || c.unstable ? 'attention' : ''}" data-series=${c.id}>
          <h4>
            <span class="name">${c.id}</span>
            ${c.outliers.length ? html`<span class="tag bad"><span aria-hidden="true">◆</span> ${c.outliers.length} outlier${c.outliers.length === 1 ? '' : 's'}</span>` : nothing}
            ${c.trend ? html`<span class="tag ${c.unstable ? 'warn' : 'ok'}"><span aria-hidden="true">${DIRECTION_ICON[c.trend.direction ?? ''] ?? ''}</span> ${c.trend.direction}</span>` : nothing}
          </h4>
          <kiln-series-chart label=${c.id} .values=${[]} length=${c.n} .outlierIndexes=${c.outliers} .outlierValues=${c.outlierValues}
            .trend=${c.trend} .band=${c.band} x-label=${c.kind === 'sensor' ? 'reading' : 'piece'} height="170"></kiln-series-chart>
        </article>`)}
      </div>
      ${this.steadyWithoutSketch().length ? html`<p class="muted steady"><span aria-hidden="true">✓</span>
        Steady, no outliers: ${this.steadyWithoutSketch().join(', ')}</p>` : nothing}
    </section>` : nothing}`;
  }

  private steadyWithoutSketch(): string[] {
    const drawn = new Set(this.sketches.map((c) => c.id));
    return (this.verdict?.trends ?? []).map((t) => t.sensor_id).filter((id) => !drawn.has(id));
  }

  private renderSensors() {
    const shown = this.onlyFlagged ? this.sensors.filter((s) => s.outliers.length || s.unstable) : this.sensors;
    return html`<section aria-labelledby="sensors-h">
      <div class="section-head">
        <h3 id="sensors-h">Sensors <span class="count">${this.sensors.length}</span></h3>
        <label class="toggle"><input type="checkbox" .checked=${this.onlyFlagged}
          @change=${(e: Event) => (this.onlyFlagged = (e.target as HTMLInputElement).checked)} /> Only sensors needing attention</label>
      </div>
      <div class="charts">
        ${shown.map((s) => html`<article class="chart panel ${s.outliers.length || s.unstable ? 'attention' : ''}" data-series=${s.id}>
          <h4>
            <span class="name">${s.id}</span>
            ${s.outliers.length ? html`<span class="tag bad"><span aria-hidden="true">◆</span> ${s.outliers.length} outlier${s.outliers.length === 1 ? '' : 's'}</span>` : nothing}
            ${s.trend ? html`<span class="tag ${s.unstable ? 'warn' : 'ok'}"><span aria-hidden="true">${DIRECTION_ICON[s.trend.direction ?? ''] ?? ''}</span> ${s.trend.direction}</span>` : nothing}
          </h4>
          <kiln-series-chart label=${s.id} .values=${s.values} .outlierIndexes=${s.outliers} .trend=${s.trend} x-label="reading"></kiln-series-chart>
        </article>`)}
      </div>
      ${shown.length === 0 ? html`<p class="muted">No sensor needs attention.</p>` : nothing}
    </section>`;
  }

  private renderParts() {
    if (this.parts.length === 0) return nothing;
    return html`<section aria-labelledby="parts-h">
      <div class="section-head"><h3 id="parts-h">Measurements <span class="count">${this.parts.length}</span></h3>
        <span class="muted">band: mean ± ${this.sigma}σ</span></div>
      <div class="charts">
        ${this.parts.map((p) => html`<article class="chart panel ${p.outliers.length ? 'attention' : ''}" data-series=${`${p.part}·${p.dimension}`}>
          <h4>
            <span class="name">${p.part} · ${p.dimension}</span>
            ${p.outliers.length ? html`<span class="tag bad"><span aria-hidden="true">◆</span> ${p.outliers.length} outside ±${this.sigma}σ</span>` : html`<span class="tag ok"><span aria-hidden="true">✓</span> within ±${this.sigma}σ</span>`}
          </h4>
          <kiln-series-chart label="${p.part} ${p.dimension}" .values=${p.values} .outlierIndexes=${p.outliers} .band=${p.band} x-label="piece" height="180"></kiln-series-chart>
        </article>`)}
      </div>
    </section>`;
  }

  private renderSkipped(v: VerdictResult) {
    const all = Object.entries(v.skipped ?? {}).flatMap(([task, list]) => (list ?? []).map((s) => ({ task, ...s })));
    const unique = new Map(all.map((s) => [`${s.kind}:${seriesName(s)}`, s]));
    if (unique.size === 0) return nothing;
    return html`<p class="notice" role="note"><strong>Not analysed</strong> (fewer than 2 values):
      ${[...unique.values()].map((s) => seriesName(s)).join(', ')}</p>`;
  }

  override render() {
    const r = this.results;
    if (!r) return nothing;
    const v = this.verdict;
    return html`
      ${r.status !== 'completed' ? html`<section class="panel stopped" role="alert">
          <h3><kiln-status-badge status=${r.status}></kiln-status-badge> No verdict: the run ${r.status === 'cancelled' ? 'was cancelled' : 'failed'}</h3>
          ${r.error ? html`<p class="mono">${r.error}</p>` : nothing}
        </section>` : nothing}
      ${v ? this.renderVerdict(v) : r.status === 'completed'
        ? html`<section class="panel"><h3>Result</h3><pre class="raw">${JSON.stringify(r.result, null, 2)}</pre></section>` : nothing}
      ${v ? html`
        ${this.input ? nothing : this.renderNoInput()}
        ${this.input && this.sensors.length ? this.renderSensors() : nothing}
        ${this.input ? this.renderParts() : nothing}
        <section aria-labelledby="outliers-h">
          <h3 id="outliers-h">Outliers <span class="count">${v.outliers.length}</span></h3>
          <kiln-data-table caption="Series with values beyond ${this.sigma} standard deviations of their mean"
            .columns=${this.outlierColumns} .rows=${this.outlierRows} sort-key="count" sort-direction="descending"
            empty-text="No outliers."></kiln-data-table>
        </section>
        <section aria-labelledby="trends-h">
          <h3 id="trends-h">Trends <span class="count">${v.trends.length}</span></h3>
          <kiln-data-table caption="Least-squares trend per sensor (value = intercept + slope · reading)"
            .columns=${this.trendColumns} .rows=${v.trends} empty-text="No sensor series."></kiln-data-table>
        </section>
        ${this.renderSkipped(v)}` : nothing}
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kiln-result': KilnResult;
  }
}
