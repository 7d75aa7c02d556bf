import { assert, test } from '../../test/t.js';
import { downsampleIndexes } from './downsample.js';
import { exampleInput, exampleText } from './example.js';
import { detectFormat, seriesOf } from './input.js';
import { locateError, locateField, parsePath } from './json-locate.js';
import { parseHash } from './router.js';
import { meanStd, niceTicks } from './stats.js';
import { applyEvents, emptyStatus, graphTasks } from './workflow-state.js';
import { layoutDag } from './dag-layout.js';
import { formatDuration } from './format.js';

test('downsampling keeps each bucket\'s extremes and every outlier, in order', () => {
  const n = 50_000;
  const values = Array.from({ length: n }, (_, i) => Math.sin(i / 50) + (i % 7) / 100);
  values[12_345] = 40; // a spike
  values[33_333] = -40;
  const keep = [7, 12_345, 33_333, 49_999];
  const idx = downsampleIndexes(values, 300, keep);
  assert.ok(idx.length <= 2 * 300 + 2 + keep.length, `drew ${idx.length} points`);
  for (const k of keep) assert.ok(idx.includes(k), `outlier ${k} kept`);
  for (let i = 1; i < idx.length; i++) assert.ok(idx[i] > idx[i - 1], 'ascending, no repeats');
  // Every bucket's min and max survive: the drawn envelope equals the real one.
  const bucket = Math.floor(n / 300);
  const slice = values.slice(0, bucket);
  const drawn = idx.filter((i) => i < bucket).map((i) => values[i]);
  assert.equal(Math.max(...drawn), Math.max(...slice));
  assert.equal(Math.min(...drawn), Math.min(...slice));
});

test('short series are drawn whole', () => {
  assert.deepEqual(downsampleIndexes([3, 1, 2], 100), [0, 1, 2]);
});

test('mean and population std match Kiln\'s', () => {
  const { mean, std } = meanStd([10.01, 10.02, 9.98]);
  assert.close(mean, 10.00333, 1e-5);
  assert.close(std, 0.016997, 1e-5);
});

test('nice ticks are round and cover the range', () => {
  assert.deepEqual(niceTicks(0, 10, 5), [0, 2, 4, 6, 8, 10]);
  const t = niceTicks(99.1, 103.7, 4);
  assert.ok(t.every((v) => v >= 99.1 && v <= 103.7), JSON.stringify(t));
});

test('field paths parse and locate the offending value in the submitted text', () => {
  assert.deepEqual(parsePath('sensor_readings[3].values[17]'), ['sensor_readings', 3, 'values', 17]);
  assert.deepEqual(parsePath('$'), []);
  const text = '{"sensor_readings": [{"sensor_id": "a", "values": [1, 2]}, {"sensor_id": "b", "values": [1, "abc", 3]}]}';
  const r = locateField(text, 'sensor_readings[1].values[1]');
  assert.ok(r);
  assert.equal(text.slice(r.start, r.end), '"abc"');
  const id = locateField(text, 'sensor_readings[1].sensor_id')!;
  assert.equal(text.slice(id.start, id.end), '"b"');
  assert.equal(locateField(text, 'sensor_readings[9].values[0]'), null);
});

test('CSV places and malformed-JSON positions are located too', () => {
  const csv = 'kind,id,dimension,value\nsensor,t1,,1.5\nsensor,t1,,oops\n';
  const r = locateField(csv, 'csv line 3.value')!;
  assert.equal(csv.slice(r.start, r.end), 'sensor,t1,,oops');
  const bad = '{\n  "sensor_readings": [\n    {"sensor_id": "a", "values": [1, 2,, 3]}\n  ]\n}';
  const m = locateError(bad, 'sensor_readings[0].values', 'malformed JSON (line 3, column 41): unexpected character');
  assert.ok(m, 'located');
  assert.ok(bad.slice(m.start, m.end).includes(','), bad.slice(m.start, m.end));
});

test('formats are told apart and CSV becomes series', () => {
  assert.equal(detectFormat('  {"a":1}'), 'json');
  assert.equal(detectFormat('kind,id,dimension,value'), 'csv');
  const input = seriesOf('kind,id,dimension,value\nsensor,t1,,1\nsensor,t1,,2\nmeasurement,P1,width,10.0\n', 'csv')!;
  assert.deepEqual(input.sensor_readings, [{ sensor_id: 't1', values: [1, 2] }]);
  assert.deepEqual(input.measurements, [{ part_id: 'P1', dimension: 'width', values: [10] }]);
});

test('the example is deterministic, valid JSON and has a drifting and a spiky sensor', () => {
  assert.equal(exampleText(), exampleText());
  const parsed = JSON.parse(exampleText());
  assert.deepEqual(parsed, exampleInput());
  const ids = parsed.sensor_readings.map((s: { sensor_id: string }) => s.sensor_id);
  assert.ok(ids.includes('temp_2') && ids.includes('pressure_1'));
  assert.ok(parsed.measurements.length >= 4);
});

test('hash routes', () => {
  assert.deepEqual(parseHash(''), { view: 'new' });
  assert.deepEqual(parseHash('#/'), { view: 'new' });
  assert.deepEqual(parseHash('#/workflows/42'), { view: 'workflow', id: 42 });
  assert.equal(parseHash('#/workflows/0').view, 'unknown');
  assert.equal(parseHash('#/workflows/abc').view, 'unknown');
});

test('events applied over a snapshot give the live state; re-applying is harmless', () => {
  const base = { ...emptyStatus(7, 'manufacturing_analysis'), status: 'running' as const, created_at: '2026-01-01T00:00:00Z' };
  const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
  const events = [
    { id: 1, workflow_id: 7, task_type: 'detect_outliers', from: 'pending' as const, to: 'running' as const, attempt: 1, detail: null, at: at(1) },
    { id: 2, workflow_id: 7, task_type: 'detect_outliers', from: 'running' as const, to: 'pending' as const, attempt: 1, detail: 'boom', at: at(2) },
    { id: 3, workflow_id: 7, task_type: 'detect_outliers', from: 'pending' as const, to: 'running' as const, attempt: 2, detail: null, at: at(3) },
    { id: 4, workflow_id: 7, task_type: 'detect_outliers', from: 'running' as const, to: 'completed' as const, attempt: 2, detail: null, at: at(5) },
    { id: 5, workflow_id: 7, task_type: null, from: 'running' as const, to: 'completed' as const, attempt: null, detail: null, at: at(9) },
  ];
  const s = applyEvents(base, events);
  const t = s.tasks[0];
  assert.equal(t.task_status, 'completed');
  assert.equal(t.attempts, 2);
  assert.equal(t.duration_ms, 2000);
  assert.equal(t.error, null);
  assert.equal(s.status, 'completed');
  assert.equal(s.duration_ms, 9000);
  assert.deepEqual(applyEvents(s, events), s);
  assert.equal(base.tasks.length, 0, 'the snapshot is not mutated');
});

test('the graph joins spec and status; layout puts dependents after dependencies', () => {
  const spec = {
    workflow_type: 'x', description: null, edges: [], result_of: ['d'],
    tasks: [
      { task_type: 'a', depends_on: [], max_attempts: 3, timeout_s: null, params: {} },
      { task_type: 'b', depends_on: [], max_attempts: 3, timeout_s: null, params: {} },
      { task_type: 'c', depends_on: ['a', 'b'], max_attempts: 3, timeout_s: null, params: {} },
      { task_type: 'd', depends_on: ['c'], max_attempts: 3, timeout_s: null, params: {} },
    ],
  };
  const g = graphTasks(spec, []);
  assert.deepEqual(g.map((t) => t.task_type), ['a', 'b', 'c', 'd']);
  const opts = { nodeWidth: 100, nodeHeight: 50, gapMain: 20, gapCross: 10, pad: 0 };
  const h = layoutDag(g.map((t) => ({ id: t.task_type, deps: t.depends_on })), { ...opts, vertical: false });
  const x = Object.fromEntries(h.nodes.map((n) => [n.id, n.x]));
  assert.ok(x.a === x.b && x.a < x.c && x.c < x.d, JSON.stringify(x));
  assert.equal(h.edges.length, 3);
  const v = layoutDag(g.map((t) => ({ id: t.task_type, deps: t.depends_on })), { ...opts, vertical: true });
  const y = Object.fromEntries(v.nodes.map((n) => [n.id, n.y]));
  assert.ok(y.a === y.b && y.a < y.c && y.c < y.d, JSON.stringify(y));
});

test('durations read naturally', () => {
  assert.equal(formatDuration(850), '850 ms');
  assert.equal(formatDuration(2400), '2.4 s');
  assert.equal(formatDuration(72_000), '1 min 12 s');
});
