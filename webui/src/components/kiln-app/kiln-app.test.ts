import { html } from 'lit';
import { mockEventSource, mockFetch } from '../../../test/fakes.js';
import { SPEC, allPending } from '../../../test/fixtures.js';
import { afterThis, assert, deep, fixture, settle, test, waitFor } from '../../../test/t.js';
import { forgetInputs } from '../../lib/input-store.js';
import './kiln-app.js';
import type { KilnApp } from './kiln-app.js';

function routes() {
  return {
    'GET /workflow-types': () => ({ body: { workflow_types: [SPEC] } }),
    'GET /workflows\\?limit=25': () => ({ body: { workflows: [], next_cursor: null } }),
    'GET /status/42': () => ({ body: allPending(42) }),
    'POST /workflow.*': () => ({ status: 201, body: { workflow_id: 42 } }),
  };
}

function startAt(hash: string) {
  const before = location.hash;
  history.replaceState(null, '', hash || location.pathname + location.search);
  afterThis(() => history.replaceState(null, '', before || location.pathname + location.search));
}

test('#/ shows the submit form; submitting navigates to #/workflows/{id} and opens it', async () => {
  startAt('#/');
  mockEventSource();
  mockFetch(routes());
  const el = await fixture<KilnApp>(html`<kiln-app></kiln-app>`);
  const form = await waitFor('form', () => deep(el, 'kiln-submit'));
  await waitFor('types passed down', () => (form as unknown as { types: unknown[] }).types.length === 1);
  [...form.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent!.includes('Load example'))!.click();
  await settle(form);
  deep<HTMLButtonElement>(form, 'button[type="submit"]')!.click();
  await waitFor('url', () => location.hash === '#/workflows/42');
  const view = await waitFor('view', () => deep(el, 'kiln-workflow-view'));
  assert.equal((view as unknown as { workflowId: number }).workflowId, 42);
  assert.ok((view as unknown as { input: unknown }).input, 'the submitted series are handed to the view for charts');
  await waitFor('heading focused', () => view.shadowRoot!.activeElement?.tagName === 'H2');
  assert.equal(deep(el, 'kiln-history')!.getAttribute('active-id'), null);
  assert.equal((deep(el, 'kiln-history') as unknown as { activeId: number }).activeId, 42);
});

test('a shared #/workflows/{id} URL opens that workflow on load', async () => {
  startAt('#/workflows/42');
  mockEventSource();
  mockFetch(routes());
  const el = await fixture<KilnApp>(html`<kiln-app></kiln-app>`);
  const view = await waitFor('view', () => deep(el, 'kiln-workflow-view'));
  assert.equal((view as unknown as { workflowId: number }).workflowId, 42);
  assert.equal(deep(el, 'kiln-submit'), null);
});

test('a run this tab did not submit gets its input from the API, for full charts', async () => {
  forgetInputs();
  startAt('#/workflows/42');
  mockEventSource();
  const input = { sensor_readings: [{ sensor_id: 'temp_1', values: [1, 2, 3] }], measurements: [], metadata: {} };
  const calls = mockFetch({ ...routes(), 'GET /workflows/42/input': () => ({ body: input }) });
  const el = await fixture<KilnApp>(html`<kiln-app></kiln-app>`);
  const view = await waitFor('view', () => deep(el, 'kiln-workflow-view'));
  await waitFor('input handed down', () => (view as unknown as { input: unknown }).input !== null);
  assert.deepEqual((view as unknown as { input: unknown }).input, input);
  assert.equal(calls.filter((c) => c.url === '/workflows/42/input').length, 1);
});

test('an input the API refuses leaves the view without one (it sketches), and a submitted one is not fetched', async () => {
  forgetInputs();
  startAt('#/workflows/42');
  mockEventSource();
  const calls = mockFetch({
    ...routes(),
    'GET /workflows/42/input': () => ({ status: 401, body: { error: 'unauthorized', message: 'token' } }),
  });
  const el = await fixture<KilnApp>(html`<kiln-app></kiln-app>`);
  const view = await waitFor('view', () => deep(el, 'kiln-workflow-view'));
  await waitFor('input asked for', () => calls.some((c) => c.url === '/workflows/42/input'));
  await settle(el);
  assert.equal((view as unknown as { input: unknown }).input, null);

  // Submitting from this tab hands the input over directly: no round trip for it.
  location.hash = '#/';
  const form = await waitFor('form', () => deep(el, 'kiln-submit'));
  await waitFor('types passed down', () => (form as unknown as { types: unknown[] }).types.length === 1);
  [...form.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent!.includes('Load example'))!.click();
  await settle(form);
  const before = calls.filter((c) => c.url === '/workflows/42/input').length;
  deep<HTMLButtonElement>(form, 'button[type="submit"]')!.click();
  const reopened = await waitFor('view again', () => deep(el, 'kiln-workflow-view'));
  await waitFor('input handed down', () => (reopened as unknown as { input: unknown }).input !== null);
  assert.equal(calls.filter((c) => c.url === '/workflows/42/input').length, before);
});

test('an unknown address says so and links back', async () => {
  startAt('#/nowhere');
  mockEventSource();
  mockFetch(routes());
  const el = await fixture<KilnApp>(html`<kiln-app></kiln-app>`);
  await settle(el);
  assert.ok(deep(el, 'main a[href="#/"]'));
});
