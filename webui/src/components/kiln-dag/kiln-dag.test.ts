import { html } from 'lit';
import { SPEC, task } from '../../../test/fixtures.js';
import { assert, deep, deepAll, fixture, settle, test } from '../../../test/t.js';
import type { TaskSelectedEvent } from '../../lib/events.js';
import './kiln-dag.js';
import type { KilnDag } from './kiln-dag.js';

test('draws one node per task and one edge per dependency, from the spec alone', async () => {
  const el = await fixture<KilnDag>(html`<kiln-dag .spec=${SPEC} .tasks=${[]}></kiln-dag>`, 1100);
  const nodes = deepAll(el, 'g.node');
  assert.deepEqual(nodes.map((n) => n.getAttribute('data-task')), ['detect_outliers', 'analyze_trends', 'synthesize', 'verdict']);
  assert.equal(deepAll(el, 'path.edge').length, 3);
  assert.ok(nodes.every((n) => n.getAttribute('data-status') === 'waiting'));
});

test('each node shows its state in words and symbols, attempts, duration and error', async () => {
  const tasks = [
    task('detect_outliers', 'completed', { duration_ms: 1520 }),
    task('analyze_trends', 'failed', { attempts: 3, error: 'analyze_trends: input missing' }),
    task('synthesize', 'cancelled'),
    task('verdict', 'running', { attempts: 2 }),
  ];
  const el = await fixture<KilnDag>(html`<kiln-dag .spec=${SPEC} .tasks=${tasks}></kiln-dag>`, 1100);
  const node = (t: string) => deep(el, `g.node[data-task="${t}"]`)!;
  assert.includes(node('detect_outliers').textContent!, '✓ completed');
  assert.includes(node('detect_outliers').textContent!, '1.5 s');
  assert.includes(node('analyze_trends').textContent!, '✕ failed');
  assert.includes(node('analyze_trends').textContent!, '⚠ analyze_trends: input');
  assert.includes(node('verdict').textContent!, 'running');
  assert.includes(node('verdict').getAttribute('aria-label')!, 'attempt 2 of 3');
  assert.ok(node('analyze_trends').classList.contains('failed'));
  // Colour differs by state (and is never alone: the words above).
  const fill = (t: string) => getComputedStyle(node(t).querySelector('.box')!).stroke;
  assert.ok(fill('detect_outliers') !== fill('analyze_trends'));
  // Edges out of completed tasks are drawn solid.
  assert.ok(deep(el, 'path.edge[data-from="detect_outliers"]')!.classList.contains('done'));
  assert.ok(!deep(el, 'path.edge[data-from="analyze_trends"]')!.classList.contains('done'));
});

test('nodes are keyboard buttons that dispatch a typed kiln-task-selected', async () => {
  const el = await fixture<KilnDag>(html`<kiln-dag .spec=${SPEC} .tasks=${[]}></kiln-dag>`, 1100);
  const seen: string[] = [];
  el.addEventListener('kiln-task-selected', (e: TaskSelectedEvent) => seen.push(e.taskType));
  const node = deep<SVGGElement>(el, 'g.node[data-task="synthesize"]')!;
  assert.equal(node.getAttribute('role'), 'button');
  assert.equal(node.getAttribute('tabindex'), '0');
  node.focus();
  node.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
  node.dispatchEvent(new KeyboardEvent('keydown', { key: ' ', bubbles: true }));
  node.dispatchEvent(new MouseEvent('click', { bubbles: true }));
  assert.deepEqual(seen, ['synthesize', 'synthesize', 'synthesize']);
});

test('runs top to bottom on a phone-wide screen', async () => {
  const el = await fixture<KilnDag>(html`<kiln-dag .spec=${SPEC} .tasks=${[]}></kiln-dag>`, 340);
  await settle(el);
  assert.ok(deep(el, '.frame.vertical'), 'vertical layout');
  const y = (t: string) => deep(el, `g.node[data-task="${t}"]`)!.getAttribute('transform')!;
  assert.ok(y('detect_outliers') !== y('verdict'));
  const svgEl = deep<SVGSVGElement>(el, 'svg')!;
  assert.ok(svgEl.getBoundingClientRect().width <= 340, 'fits the width');
});

test('tasks the status knows but the spec does not are still drawn', async () => {
  const el = await fixture<KilnDag>(html`<kiln-dag .spec=${null} .tasks=${[task('a', 'completed'), task('b', 'running', { depends_on: ['a'] })]}></kiln-dag>`, 900);
  assert.equal(deepAll(el, 'g.node').length, 2);
  assert.equal(deepAll(el, 'path.edge').length, 1);
});
