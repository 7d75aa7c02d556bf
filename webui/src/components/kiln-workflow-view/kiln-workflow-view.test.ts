import { html } from 'lit';
import { ev, mockEventSource, mockFetch } from '../../../test/fakes.js';
import { INPUT, SPEC, allPending, status, task, verdictResults } from '../../../test/fixtures.js';
import { assert, deep, fixture, settle, text, test, waitFor } from '../../../test/t.js';
import type { WorkflowStatusEvent } from '../../lib/events.js';
import type { HistoryEvent } from '../../lib/types.js';
import { applyEvents } from '../../lib/workflow-state.js';
import './kiln-workflow-view.js';
import type { KilnWorkflowView } from './kiln-workflow-view.js';

/** A fake Kiln whose /status reflects the events it has streamed, as the real one does. */
function fakeKiln(id: number) {
  const sent: HistoryEvent[] = [];
  return {
    status: () => applyEvents(allPending(id), sent),
    emit(es: { emit: (e: HistoryEvent) => void }, e: ReturnType<typeof ev>) {
      sent.push(e as HistoryEvent);
      es.emit(e as HistoryEvent);
    },
  };
}

const nodeStatus = (el: Element, t: string) => deep(el, 'kiln-dag', `g.node[data-task="${t}"]`)?.getAttribute('data-status');

test('follows the workflow live from its event stream, then shows the result and closes the stream', async () => {
  const ES = mockEventSource();
  const kiln = fakeKiln(7);
  const calls = mockFetch({
    'GET /status/7': () => ({ body: kiln.status() }),
    'GET /results/7': () => ({ body: verdictResults(7) }),
  });
  const el = await fixture<KilnWorkflowView>(html`<kiln-workflow-view .workflowId=${7} .types=${[SPEC]} .input=${INPUT}></kiln-workflow-view>`, 1100);
  await waitFor('status', () => nodeStatus(el, 'verdict') === 'pending');
  assert.equal(ES.instances.length, 1);
  const es = ES.instances[0];
  assert.ok(es.url.endsWith('workflows/7/events'));
  es.open();
  await settle(el);
  assert.includes(text(deep(el, '.connection')), 'live');

  kiln.emit(es, ev(7, 'detect_outliers', 'pending', 'running'));
  kiln.emit(es, ev(7, 'analyze_trends', 'pending', 'running'));
  await settle(el);
  assert.equal(nodeStatus(el, 'detect_outliers'), 'running');
  kiln.emit(es, ev(7, 'detect_outliers', 'running', 'completed'));
  kiln.emit(es, ev(7, 'analyze_trends', 'running', 'completed'));
  await settle(el);
  assert.equal(nodeStatus(el, 'detect_outliers'), 'completed');
  assert.equal(nodeStatus(el, 'synthesize'), 'pending');
  assert.includes(text(deep(el, '.progress')), '2 of 4 tasks completed');
  const announced = deep(el, '[role="status"]')!.textContent!;
  assert.includes(announced, 'completed');

  const statuses: string[] = [];
  el.addEventListener('kiln-workflow-status', (e: WorkflowStatusEvent) => statuses.push(e.status));
  for (const t of ['synthesize', 'verdict']) {
    kiln.emit(es, ev(7, t, 'pending', 'running'));
    kiln.emit(es, ev(7, t, 'running', 'completed'));
  }
  kiln.emit(es, ev(7, null, 'running', 'completed'));
  await waitFor('verdict badge', () => deep(el, 'kiln-result', 'kiln-verdict-badge'));
  assert.ok(es.closed, 'the EventSource is closed after the terminal workflow event');
  assert.equal(nodeStatus(el, 'verdict'), 'completed');
  assert.ok(calls.some((c) => c.url === '/results/7'));
  assert.ok(statuses.includes('completed'));
  assert.equal(deep(el, '.connection'), null, 'no live indicator once finished');
  assert.ok(!calls.some((c) => c.url.startsWith('/workflows?')), 'no polling of the list');
});

test('a replayed event that was already applied is skipped, and the browser\'s own reconnect is not fought', async () => {
  const ES = mockEventSource();
  const kiln = fakeKiln(8);
  mockFetch({ 'GET /status/8': () => ({ body: kiln.status() }) });
  const el = await fixture<KilnWorkflowView>(html`<kiln-workflow-view .workflowId=${8} .types=${[SPEC]}></kiln-workflow-view>`, 1100);
  const es = ES.instances[0];
  es.open();
  const first = ev(8, 'detect_outliers', 'pending', 'running', { id: 100 });
  kiln.emit(es, first);
  es.drop(false); // the browser reconnects by itself, with Last-Event-ID
  await settle(el);
  assert.includes(text(deep(el, '.connection')), 'reconnecting');
  assert.equal(ES.instances.length, 1, 'no second EventSource while the browser is reconnecting');
  es.open();
  kiln.emit(es, first); // overlap at the seam
  kiln.emit(es, ev(8, 'detect_outliers', 'running', 'completed', { id: 101 }));
  await settle(el);
  assert.equal(nodeStatus(el, 'detect_outliers'), 'completed');
  const activity = deep(el, 'details.activity')!;
  assert.includes(text(activity), '(2 status changes)');
});

test('when the browser gives up, a fresh EventSource replays and nothing is missed or doubled', async () => {
  const ES = mockEventSource();
  const kiln = fakeKiln(9);
  mockFetch({ 'GET /status/9': () => ({ body: kiln.status() }) });
  const el = await fixture<KilnWorkflowView>(html`<kiln-workflow-view .workflowId=${9} .types=${[SPEC]}></kiln-workflow-view>`, 1100);
  const es = ES.instances[0];
  es.open();
  kiln.emit(es, ev(9, 'detect_outliers', 'pending', 'running', { id: 200 }));
  es.drop(true); // e.g. a 503 while the server restarts: readyState CLOSED
  await waitFor('second EventSource', () => ES.instances.length === 2, 3000);
  const again = ES.instances[1];
  again.open();
  kiln.emit(again, ev(9, 'detect_outliers', 'pending', 'running', { id: 200 })); // full replay
  kiln.emit(again, ev(9, 'detect_outliers', 'running', 'completed', { id: 201 }));
  await settle(el);
  assert.equal(nodeStatus(el, 'detect_outliers'), 'completed');
  assert.includes(text(deep(el, 'details.activity')), '(2 status changes)');
});

test('disconnecting closes the EventSource and drops answers still in flight', async () => {
  const ES = mockEventSource();
  mockFetch({ 'GET /status/10': () => ({ body: allPending(10), delayMs: 200 }) });
  const el = await fixture<KilnWorkflowView>(html`<kiln-workflow-view .workflowId=${10} .types=${[SPEC]}></kiln-workflow-view>`);
  const es = ES.instances[0];
  el.remove();
  assert.ok(es.closed);
  await new Promise((r) => setTimeout(r, 300));
});

test('switching workflows drops the old one\'s late status answer', async () => {
  const ES = mockEventSource();
  mockFetch({
    'GET /status/11': () => ({ body: status(11, 'running', [task('detect_outliers', 'failed')]), delayMs: 300 }),
    'GET /status/12': () => ({ body: status(12, 'running', [task('detect_outliers', 'running')]) }),
  });
  const el = await fixture<KilnWorkflowView>(html`<kiln-workflow-view .workflowId=${11} .types=${[SPEC]}></kiln-workflow-view>`, 1100);
  el.workflowId = 12;
  await waitFor('workflow 12', () => nodeStatus(el, 'detect_outliers') === 'running');
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(nodeStatus(el, 'detect_outliers'), 'running', 'not overwritten by #11\'s late answer');
  assert.includes(text(deep(el, 'h2')), '#12');
  assert.ok(ES.instances[0].closed, '#11\'s stream closed');
  assert.ok(!ES.instances[1].closed);
});

test('cancel asks for confirmation, then posts; retry appears for a cancelled run and reopens the stream', async () => {
  const ES = mockEventSource();
  let current = allPending(13);
  const calls = mockFetch({
    'GET /status/13': () => ({ body: current }),
    'POST /workflows/13/cancel': () => {
      current = { ...status(13, 'cancelled', SPEC.tasks.map((t) => task(t.task_type, 'cancelled'))), error: 'cancelled by request' };
      return { body: current };
    },
    'POST /workflows/13/retry': () => {
      current = allPending(13);
      return { body: current };
    },
    'GET /results/13': () => ({ body: current.status === 'cancelled'
      ? { workflow_id: 13, workflow_type: 'manufacturing_analysis', status: 'cancelled', result: null, error: 'cancelled by request', finished_at: null }
      : { error: 'not_ready', status: 'running' }, status: current.status === 'cancelled' ? 200 : 404 }),
  });
  const el = await fixture<KilnWorkflowView>(html`<kiln-workflow-view .workflowId=${13} .types=${[SPEC]}></kiln-workflow-view>`, 1100);
  const es = ES.instances[0];
  es.open();
  await waitFor('cancel button', () => deep(el, '.actions button.danger'));
  deep<HTMLButtonElement>(el, '.actions button.danger')!.click();
  await settle(el);
  assert.ok(!calls.some((c) => c.method === 'POST'), 'nothing posted before confirming');
  deep<HTMLButtonElement>(el, '.confirm button.danger')!.click();
  await waitFor('cancelled', () => deep(el, 'kiln-status-badge.big')?.getAttribute('status') === 'cancelled');
  es.emit(ev(13, null, 'running', 'cancelled', { detail: 'cancelled by request' }));
  await waitFor('retry button', () => deep(el, '.actions button.primary'));
  assert.ok(es.closed);
  assert.includes(text(el), 'cancelled by request');
  deep<HTMLButtonElement>(el, '.actions button.primary')!.click();
  await waitFor('running again', () => deep(el, 'kiln-status-badge.big')?.getAttribute('status') === 'running');
  assert.ok(calls.some((c) => c.method === 'POST' && c.url === '/workflows/13/retry'));
  assert.equal(ES.instances.length, 2, 'a new stream follows the retried run');
  assert.equal(deep(el, 'kiln-result'), null, 'the old result is gone');
});

test('a 409 from cancel is shown, not swallowed', async () => {
  mockEventSource();
  mockFetch({
    'GET /status/14': () => ({ body: allPending(14) }),
    'POST /workflows/14/cancel': () => ({ status: 409, body: { error: 'not_cancellable', message: 'workflow 14 is already completed' } }),
  });
  const el = await fixture<KilnWorkflowView>(html`<kiln-workflow-view .workflowId=${14} .types=${[SPEC]}></kiln-workflow-view>`);
  await waitFor('cancel button', () => deep(el, '.actions button.danger'));
  deep<HTMLButtonElement>(el, '.actions button.danger')!.click();
  await settle(el);
  deep<HTMLButtonElement>(el, '.confirm button.danger')!.click();
  await waitFor('error', () => deep(el, '.action-error'));
  assert.includes(text(deep(el, '.action-error')), 'already completed');
});

test('a task\'s logs open from its node and focus returns to the node on close', async () => {
  mockEventSource();
  mockFetch({
    'GET /status/15': () => ({ body: allPending(15) }),
    'GET /workflows/15/tasks/synthesize/logs': () => ({ body: { workflow_id: 15, task_type: 'synthesize', logs: [] } }),
  });
  const el = await fixture<KilnWorkflowView>(html`<kiln-workflow-view .workflowId=${15} .types=${[SPEC]}></kiln-workflow-view>`, 1100);
  await waitFor('nodes', () => nodeStatus(el, 'synthesize'));
  (deep(el, 'kiln-dag', 'g.node[data-task="synthesize"]') as SVGGElement).dispatchEvent(new MouseEvent('click', { bubbles: true }));
  await waitFor('dialog', () => deep<HTMLDialogElement>(el, 'kiln-task-logs', 'dialog')?.open);
  deep<HTMLButtonElement>(el, 'kiln-task-logs', 'footer button')!.click();
  await waitFor('closed', () => !deep<HTMLDialogElement>(el, 'kiln-task-logs', 'dialog')!.open);
  await waitFor('focus back on the node', () => deep(el, 'kiln-dag')!.shadowRoot!.activeElement?.getAttribute('data-task') === 'synthesize');
});

test('an unknown workflow says so', async () => {
  mockEventSource();
  mockFetch({ 'GET /status/404': () => ({ status: 404, body: { error: 'not_found', message: 'no workflow 404' } }) });
  const el = await fixture<KilnWorkflowView>(html`<kiln-workflow-view .workflowId=${404} .types=${[SPEC]}></kiln-workflow-view>`);
  await waitFor('not found', () => text(el).includes('not found'));
});
