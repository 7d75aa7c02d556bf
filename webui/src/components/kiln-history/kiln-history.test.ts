import { html } from 'lit';
import { ev, mockEventSource, mockFetch } from '../../../test/fakes.js';
import { assert, deep, deepAll, fixture, settle, text, test, waitFor } from '../../../test/t.js';
import type { WorkflowSummary } from '../../lib/types.js';
import './kiln-history.js';
import type { KilnHistory } from './kiln-history.js';

const row = (id: number, status: WorkflowSummary['status'], verdict: WorkflowSummary['verdict'] = null): WorkflowSummary => ({
  workflow_id: id, workflow_type: 'manufacturing_analysis', status, error: null, verdict,
  created_at: new Date(Date.now() - id * 60_000).toISOString(), updated_at: new Date().toISOString(), finished_at: null,
});

const badge = (el: Element, id: number) => deep(el, `a[data-workflow="${id}"] kiln-status-badge`)?.getAttribute('status');

test('lists recent runs as links to #/workflows/{id}, marking the open one', async () => {
  mockEventSource();
  mockFetch({ 'GET /workflows\\?limit=25': () => ({ body: { workflows: [row(3, 'running'), row(2, 'completed', 'PASS'), row(1, 'failed')], next_cursor: null } }) });
  const el = await fixture<KilnHistory>(html`<kiln-history .activeId=${2}></kiln-history>`);
  await waitFor('rows', () => deepAll(el, 'a[data-workflow]').length === 3);
  const links = deepAll<HTMLAnchorElement>(el, 'a[data-workflow]');
  assert.deepEqual(links.map((a) => a.getAttribute('href')), ['#/workflows/3', '#/workflows/2', '#/workflows/1']);
  assert.equal(links[1].getAttribute('aria-current'), 'page');
  assert.equal(deep(links[1], 'kiln-verdict-badge')?.getAttribute('verdict'), 'PASS');
});

test('statuses change live from /events, and new runs appear', async () => {
  const ES = mockEventSource();
  let rows = [row(5, 'running'), row(4, 'completed', 'FAIL')];
  const calls = mockFetch({ 'GET /workflows\\?limit=25': () => ({ body: { workflows: rows, next_cursor: null } }) });
  const el = await fixture<KilnHistory>(html`<kiln-history></kiln-history>`);
  await waitFor('rows', () => deepAll(el, 'a[data-workflow]').length === 2);
  const es = ES.instances[0];
  assert.ok(es.url.endsWith('events'));
  es.open();
  es.emit(ev(5, 'detect_outliers', 'pending', 'running')); // task events do not matter here
  es.emit(ev(5, null, 'running', 'failed', { detail: 'boom' }));
  await settle(el);
  assert.equal(badge(el, 5), 'failed', 'updated at once from the event');
  rows = [row(6, 'pending'), ...rows];
  es.emit(ev(6, null, null, 'pending'));
  await waitFor('new run listed', () => badge(el, 6) === 'pending');
  assert.ok(calls.length >= 2 && calls.length <= 3, `re-read the list once per burst (${calls.length} reads)`);
});

test('filters by status, dropping a slower answer for the previous filter', async () => {
  mockEventSource();
  const calls = mockFetch({
    'GET /workflows\\?limit=25': () => ({ delayMs: 300, body: { workflows: [row(1, 'running'), row(2, 'failed')], next_cursor: null } }),
    'GET /workflows\\?status=failed&limit=25': () => ({ body: { workflows: [row(2, 'failed')], next_cursor: null } }),
  });
  const el = await fixture<KilnHistory>(html`<kiln-history></kiln-history>`);
  const select = deep<HTMLSelectElement>(el, 'select')!;
  assert.ok(select.labels?.[0]?.textContent?.includes('Show'), 'the select is labelled');
  select.value = 'failed';
  select.dispatchEvent(new Event('change'));
  await waitFor('filtered', () => deepAll(el, 'a[data-workflow]').length === 1);
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(deepAll(el, 'a[data-workflow]').length, 1, 'the unfiltered answer came late and was dropped');
  assert.ok(calls.some((c) => c.url === '/workflows?status=failed&limit=25'));
});

test('pages on with "Show older runs"', async () => {
  mockEventSource();
  mockFetch({
    'GET /workflows\\?limit=25': () => ({ body: { workflows: [row(30, 'completed')], next_cursor: 30 } }),
    'GET /workflows\\?limit=25&cursor=30': () => ({ body: { workflows: [row(29, 'completed')], next_cursor: null } }),
  });
  const el = await fixture<KilnHistory>(html`<kiln-history></kiln-history>`);
  await waitFor('more button', () => deep(el, 'button.more'));
  deep<HTMLButtonElement>(el, 'button.more')!.click();
  await waitFor('second page', () => deepAll(el, 'a[data-workflow]').length === 2);
  assert.equal(deep(el, 'button.more'), null);
});

test('closes its EventSource when removed', async () => {
  const ES = mockEventSource();
  mockFetch({ 'GET /workflows\\?limit=25': () => ({ body: { workflows: [], next_cursor: null } }) });
  const el = await fixture<KilnHistory>(html`<kiln-history></kiln-history>`);
  await waitFor('empty text', () => text(el).includes('No runs yet'));
  el.remove();
  assert.ok(ES.instances[0].closed);
});
