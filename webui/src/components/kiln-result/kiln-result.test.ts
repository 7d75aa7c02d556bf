import { html } from 'lit';
import { INPUT, SPEC, verdictResults } from '../../../test/fixtures.js';
import { assert, deep, deepAll, fixture, text, test } from '../../../test/t.js';
import './kiln-result.js';
import type { KilnResult } from './kiln-result.js';

test('shows the verdict, a chart per sensor and per part, and both tables', async () => {
  const el = await fixture<KilnResult>(html`<kiln-result .results=${verdictResults(5)} .input=${INPUT} .spec=${SPEC}></kiln-result>`, 1000);
  assert.equal(deep(el, 'kiln-verdict-badge')!.getAttribute('verdict'), 'FAIL');
  assert.includes(text(deep(el, '.verdict')), 'Outliers: 2, Unstable sensors: 1');
  assert.includes(text(deep(el, '.verdict')), 'Unstable: temp_2');
  const charts = deepAll(el, 'article.chart');
  assert.deepEqual(charts.map((c) => c.getAttribute('data-series')), ['pressure_1', 'temp_2', 'P1002·height'],
    'sensors with outliers first, then unstable ones, then measurements');
  const pressure = charts[0].querySelector('kiln-series-chart')!;
  assert.deepEqual(pressure.outlierIndexes, [3, 8]);
  assert.equal(pressure.trend!.slope, -0.001);
  const part = charts[2].querySelector('kiln-series-chart')!;
  assert.deepEqual(part.band, { mean: 25.02, std: 0.05, sigma: 2 });
  const tables = deepAll(el, 'kiln-data-table');
  assert.equal(tables.length, 2);
  assert.equal(deepAll(tables[0], 'tbody tr').length, 2);
  assert.includes(text(tables[1]), 'increasing');
  assert.equal(deep(el, '.notice'), null, 'no "no charts" notice when the input is known');
});

test('without the input it says why and draws sketches from the result alone', async () => {
  const el = await fixture<KilnResult>(html`<kiln-result .results=${verdictResults(6)} .input=${null} .spec=${SPEC}></kiln-result>`);
  assert.includes(text(deep(el, '.notice')), 'could not be read from Kiln');
  const sketches = deepAll(el, 'article.chart.sketch');
  assert.deepEqual(sketches.map((c) => c.getAttribute('data-series')), ['pressure_1', 'P1002 · height', 'temp_2'],
    'series with outliers first, then unstable ones');
  const pressure = sketches[0].querySelector('kiln-series-chart')!;
  assert.equal(pressure.length, 12);
  assert.deepEqual(pressure.outlierValues, [103.9, 99.1]);
  assert.equal(deepAll(pressure, 'path.outlier').length, 2);
  assert.ok(deep(pressure, 'line.trend'));
  assert.ok(deep(sketches[1].querySelector('kiln-series-chart')!, '.band rect'), 'measurement sketch has its band');
  assert.equal(deepAll(el, 'kiln-data-table').length, 2);
});

test('sigma comes from the spec\'s detect_outliers params', async () => {
  const spec = { ...SPEC, tasks: SPEC.tasks.map((t) => (t.task_type === 'detect_outliers' ? { ...t, params: { sigma: 3 } } : t)) };
  const el = await fixture<KilnResult>(html`<kiln-result .results=${verdictResults(5)} .input=${INPUT} .spec=${spec}></kiln-result>`);
  const part = deepAll(el, 'article.chart')[2].querySelector('kiln-series-chart')!;
  assert.equal(part.band!.sigma, 3);
});

test('a failed run shows its error instead of a verdict', async () => {
  const results = { workflow_id: 9, workflow_type: 'manufacturing_analysis', status: 'failed' as const, result: null,
    error: 'detect_outliers failed: boom', finished_at: null };
  const el = await fixture<KilnResult>(html`<kiln-result .results=${results}></kiln-result>`);
  assert.includes(text(deep(el, '.stopped')), 'the run failed');
  assert.includes(text(deep(el, '.stopped')), 'detect_outliers failed: boom');
  assert.equal(deep(el, 'kiln-verdict-badge'), null);
});

test('"only sensors needing attention" hides the steady ones', async () => {
  const input = { ...INPUT, sensor_readings: [...INPUT.sensor_readings, { sensor_id: 'flow_1', values: [1, 1.1, 0.9, 1] }] };
  const el = await fixture<KilnResult>(html`<kiln-result .results=${verdictResults(5)} .input=${input} .spec=${SPEC}></kiln-result>`);
  assert.equal(deepAll(el, 'section[aria-labelledby="sensors-h"] article').length, 3);
  const box = deep<HTMLInputElement>(el, '.toggle input')!;
  box.click();
  await el.updateComplete;
  assert.equal(deepAll(el, 'section[aria-labelledby="sensors-h"] article').length, 2);
});
