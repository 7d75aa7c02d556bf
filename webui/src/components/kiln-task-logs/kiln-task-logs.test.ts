import { html } from 'lit';
import { mockFetch } from '../../../test/fakes.js';
import { task } from '../../../test/fixtures.js';
import { assert, deep, deepAll, fixture, text, test, waitFor } from '../../../test/t.js';
import type { LogsClosedEvent } from '../../lib/events.js';
import './kiln-task-logs.js';
import type { KilnTaskLogs } from './kiln-task-logs.js';

const line = (attempt: number, level: string, message: string) => ({ attempt, level, message, at: new Date().toISOString() });

test('opens as a modal with the task\'s details and its log lines by attempt', async () => {
  mockFetch({
    'GET /workflows/3/tasks/detect_outliers/logs': () => ({ body: { workflow_id: 3, task_type: 'detect_outliers',
      logs: [line(1, 'ERROR', 'boom'), line(2, 'INFO', 'flagged 2 series')] } }),
  });
  const el = await fixture<KilnTaskLogs>(html`<kiln-task-logs .workflowId=${3} .taskType=${'detect_outliers'}
    .task=${task('detect_outliers', 'completed', { attempts: 2, duration_ms: 40 })}></kiln-task-logs>`);
  const dialog = deep<HTMLDialogElement>(el, 'dialog')!;
  assert.ok(dialog.open);
  await waitFor('log lines', () => deepAll(el, '.lines li').length === 2);
  assert.deepEqual(deepAll(el, 'h4').map((h) => h.textContent), ['Attempt 1', 'Attempt 2']);
  assert.includes(text(dialog), '2 of 3');
  assert.ok(deep(el, '.lines li.error'), 'error lines stand out');
});

test('closing (Escape or the button) dispatches kiln-logs-closed', async () => {
  mockFetch({ 'GET /workflows/3/tasks/verdict/logs': () => ({ body: { workflow_id: 3, task_type: 'verdict', logs: [] } }) });
  const el = await fixture<KilnTaskLogs>(html`<kiln-task-logs .workflowId=${3} .taskType=${'verdict'} .task=${null}></kiln-task-logs>`);
  const closed: (string | null)[] = [];
  el.addEventListener('kiln-logs-closed', (e: LogsClosedEvent) => closed.push(e.taskType));
  await waitFor('empty note', () => text(el).includes('No log lines'));
  assert.includes(text(el), 'has not created this task yet');
  deep<HTMLButtonElement>(el, 'footer button')!.click();
  await waitFor('close event', () => closed.length === 1);
  assert.deepEqual(closed, ['verdict']);
});

test('a late answer for a previously selected task is dropped', async () => {
  mockFetch({
    'GET /workflows/3/tasks/slow/logs': () => ({ delayMs: 300, body: { workflow_id: 3, task_type: 'slow', logs: [line(1, 'INFO', 'SLOW')] } }),
    'GET /workflows/3/tasks/fast/logs': () => ({ body: { workflow_id: 3, task_type: 'fast', logs: [line(1, 'INFO', 'FAST')] } }),
  });
  const el = await fixture<KilnTaskLogs>(html`<kiln-task-logs .workflowId=${3} .taskType=${'slow'}></kiln-task-logs>`);
  el.taskType = 'fast';
  await waitFor('fast lines', () => text(el).includes('FAST'));
  await new Promise((r) => setTimeout(r, 400));
  assert.ok(!text(el).includes('SLOW'));
});
