import { html } from 'lit';
import { assert, deep, deepAll, fixture, test } from '../../../test/t.js';
import './kiln-series-chart.js';
import type { KilnSeriesChart } from './kiln-series-chart.js';

test('draws the values, a diamond per outlier and the fitted trend line', async () => {
  const values = [70, 70.5, 71, 90, 72, 72.5, 73, 73.5, 74, 74.5];
  const el = await fixture<KilnSeriesChart>(html`<kiln-series-chart label="temp_2" .values=${values}
    .outlierIndexes=${[3]} .trend=${{ slope: 0.5, intercept: 70, direction: 'increasing' }}></kiln-series-chart>`, 500);
  const path = deep(el, 'path.series')!.getAttribute('d')!;
  assert.equal(path.split(/[ML]/).filter(Boolean).length, values.length, 'every point drawn');
  const markers = deepAll(el, 'path.outlier');
  assert.equal(markers.length, 1);
  assert.equal(markers[0].getAttribute('data-index'), '3');
  // The trend line runs from intercept at index 0 to intercept + slope·(n-1) at the last index.
  const line = deep<SVGLineElement>(el, 'line.trend')!;
  const svgEl = deep<SVGSVGElement>(el, 'svg')!;
  const y1 = Number(line.getAttribute('y1'));
  const y2 = Number(line.getAttribute('y2'));
  assert.ok(y2 < y1, 'rising line (SVG y grows downwards)');
  const pts = path.split(/[ML]/).filter(Boolean).map((p) => p.split(',').map(Number));
  assert.close(pts[0][1], y1, 1, 'starts at the first value (70 = intercept)');
  assert.close(pts[9][1], y2, 1, 'ends at 74.5 = 70 + 0.5·9');
  assert.includes(svgEl.getAttribute('aria-label')!, '1 outlier at reading 3');
  assert.includes(svgEl.getAttribute('aria-label')!, 'trend increasing');
  assert.includes(deep(el, 'figcaption')!.textContent!, 'trend 0.5 per reading');
});

test('measurements get a mean ± sigma·std band', async () => {
  const el = await fixture<KilnSeriesChart>(html`<kiln-series-chart label="P1 width" x-label="piece" .values=${[10, 10.01, 9.99, 10.2]}
    .outlierIndexes=${[3]} .band=${{ mean: 10.05, std: 0.08, sigma: 2 }}></kiln-series-chart>`, 400);
  const rect = deep<SVGRectElement>(el, '.band rect')!;
  assert.ok(Number(rect.getAttribute('height')) > 10, 'band has height');
  const labels = deepAll(el, '.band-label').map((t) => t.textContent);
  assert.deepEqual(labels, ['+2σ', '−2σ']);
  assert.includes(deep(el, 'figcaption')!.textContent!, 'mean ± 2σ');
});

test('a 50,000-point series is downsampled for drawing, keeping every outlier', async () => {
  const n = 50_000;
  const values = Array.from({ length: n }, (_, i) => 100 + Math.sin(i / 300) + ((i * 7919) % 13) / 50);
  const outliers = [17, 25_000, 49_990];
  for (const i of outliers) values[i] = 120;
  const el = await fixture<KilnSeriesChart>(html`<kiln-series-chart label="big" .values=${values} .outlierIndexes=${outliers}></kiln-series-chart>`, 600);
  const points = deep(el, 'path.series')!.getAttribute('d')!.split(/[ML]/).filter(Boolean).length;
  assert.ok(points < 2000, `drew ${points} points`);
  assert.equal(deepAll(el, 'path.outlier').length, 3);
  assert.includes(deep(el, '.sampled')!.textContent!, 'of 50,000 points');
});

test('follows its container\'s width', async () => {
  const el = await fixture<KilnSeriesChart>(html`<kiln-series-chart label="w" .values=${[1, 2, 3]}></kiln-series-chart>`, 320);
  const svgEl = deep<SVGSVGElement>(el, 'svg')!;
  assert.ok(svgEl.getBoundingClientRect().width <= 320);
  (el.parentElement as HTMLElement).style.width = '700px';
  await new Promise((r) => setTimeout(r, 100));
  await el.updateComplete;
  assert.equal(deep<SVGSVGElement>(el, 'svg')!.getAttribute('width'), '700');
});

test('sketch mode draws trend and flagged values over `length` positions without the series', async () => {
  const el = await fixture<KilnSeriesChart>(html`<kiln-series-chart label="s" .values=${[]} length="500"
    .outlierIndexes=${[10, 400]} .outlierValues=${[9, -3]} .trend=${{ slope: 0.01, intercept: 1, direction: 'increasing' }}></kiln-series-chart>`, 500);
  assert.equal(deep(el, 'path.series')!.getAttribute('d'), '');
  assert.equal(deepAll(el, 'path.outlier').length, 2);
  const line = deep<SVGLineElement>(el, 'line.trend')!;
  assert.ok(Number(line.getAttribute('x2')) > Number(line.getAttribute('x1')));
  assert.includes(deep(el, 'svg')!.getAttribute('aria-label')!, 'sketch of 500 readings');
  assert.includes(deep(el, '.sampled')!.textContent!, 'not available here');
});
