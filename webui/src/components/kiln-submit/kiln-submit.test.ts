import { html } from 'lit';
import { mockFetch } from '../../../test/fakes.js';
import { SPEC } from '../../../test/fixtures.js';
import { assert, deep, fixture, settle, text, test, waitFor } from '../../../test/t.js';
import type { WorkflowSubmittedEvent } from '../../lib/events.js';
import './kiln-submit.js';
import type { KilnSubmit } from './kiln-submit.js';

const textarea = (el: Element) => deep<HTMLTextAreaElement>(el, 'textarea')!;
const submitButton = (el: Element) => deep<HTMLButtonElement>(el, 'button[type="submit"]')!;
const button = (el: Element, label: string) =>
  [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent!.includes(label))!;

test('"Load example" fills the input and submitting dispatches kiln-workflow-submitted with the series', async () => {
  const calls = mockFetch({ 'POST /workflow\\?workflow_type=manufacturing_analysis': () => ({ status: 201, body: { workflow_id: 42 } }) });
  const el = await fixture<KilnSubmit>(html`<kiln-submit .types=${[SPEC]}></kiln-submit>`);
  button(el, 'Load example').click();
  await settle(el);
  assert.ok(textarea(el).value.includes('"sensor_readings"'));
  assert.includes(text(deep(el, '.summary')), '5 sensors');
  const got: WorkflowSubmittedEvent[] = [];
  el.addEventListener('kiln-workflow-submitted', (e: WorkflowSubmittedEvent) => got.push(e));
  submitButton(el).click();
  await waitFor('submitted', () => got.length === 1);
  assert.equal(got[0].workflowId, 42);
  assert.equal(got[0].input!.sensor_readings.length, 5);
  assert.equal(calls[0].headers['Content-Type'], 'application/json');
  assert.equal(calls[0].body, textarea(el).value);
});

test('a 400 names the field next to the input and selects the offending value', async () => {
  mockFetch({
    'POST /workflow.*': () => ({ status: 400, body: { error: 'invalid_input', field: 'sensor_readings[0].values[2]', message: 'must be a finite number' } }),
  });
  const el = await fixture<KilnSubmit>(html`<kiln-submit .types=${[SPEC]}></kiln-submit>`);
  const ta = textarea(el);
  ta.value = '{"sensor_readings": [{"sensor_id": "t", "values": [1, 2, "abc"]}], "measurements": []}';
  ta.dispatchEvent(new Event('input'));
  submitButton(el).click();
  await waitFor('error', () => deep(el, '#readings-error'));
  const err = deep(el, '#readings-error')!;
  assert.equal(err.getAttribute('role'), 'alert');
  assert.equal(deep(el, 'code.field')!.textContent, 'sensor_readings[0].values[2]');
  assert.includes(text(err), 'must be a finite number');
  assert.equal(ta.getAttribute('aria-invalid'), 'true');
  assert.includes(ta.getAttribute('aria-describedby')!, 'readings-error');
  assert.equal(ta.value.slice(ta.selectionStart, ta.selectionEnd), '"abc"');
  // Editing clears the error.
  ta.value = ta.value.replace('"abc"', '3');
  ta.dispatchEvent(new Event('input'));
  await settle(el);
  assert.equal(deep(el, '#readings-error'), null);
});

test('an empty input is refused without asking Kiln', async () => {
  const calls = mockFetch({});
  const el = await fixture<KilnSubmit>(html`<kiln-submit></kiln-submit>`);
  submitButton(el).click();
  await settle(el);
  assert.includes(text(deep(el, '#readings-error')), 'Paste readings');
  assert.equal(calls.length, 0);
});

test('a dropped CSV file is loaded and sent as text/csv', async () => {
  const calls = mockFetch({ 'POST /workflow.*': () => ({ status: 201, body: { workflow_id: 5 } }) });
  const el = await fixture<KilnSubmit>(html`<kiln-submit .types=${[SPEC]}></kiln-submit>`);
  const csv = 'kind,id,dimension,value\nsensor,t1,,1.5\nsensor,t1,,1.7\nmeasurement,P1,width,10.01\n';
  const data = new DataTransfer();
  data.items.add(new File([csv], 'line2.csv', { type: 'text/csv' }));
  const zone = deep(el, '.drop')!;
  zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
  await settle(el);
  assert.ok(deep(el, '.drop.dragging'), 'drop target highlighted');
  zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  await waitFor('loaded', () => textarea(el).value === csv);
  assert.includes(text(deep(el, 'label[for="readings"]')), 'CSV');
  const got: WorkflowSubmittedEvent[] = [];
  el.addEventListener('kiln-workflow-submitted', (e: WorkflowSubmittedEvent) => got.push(e));
  submitButton(el).click();
  await waitFor('submitted', () => got.length === 1);
  assert.equal(calls[0].headers['Content-Type'], 'text/csv');
  assert.deepEqual(got[0].input!.sensor_readings, [{ sensor_id: 't1', values: [1.5, 1.7] }]);
});

test('the workflow type picker lists the types and describes the chosen one', async () => {
  const other = { ...SPEC, workflow_type: 'quick_check', description: 'Outliers only.', tasks: [SPEC.tasks[0]], edges: [] };
  const calls = mockFetch({ 'POST /workflow.*': () => ({ status: 201, body: { workflow_id: 6 } }) });
  const el = await fixture<KilnSubmit>(html`<kiln-submit .types=${[SPEC, other]}></kiln-submit>`);
  const select = deep<HTMLSelectElement>(el, 'select#type')!;
  assert.equal(select.value, 'manufacturing_analysis');
  assert.ok(select.labels?.[0], 'labelled');
  select.value = 'quick_check';
  select.dispatchEvent(new Event('change'));
  await settle(el);
  assert.includes(text(deep(el, '#type-description')), 'Outliers only.');
  button(el, 'Load example').click();
  await settle(el);
  submitButton(el).click();
  await waitFor('posted', () => calls.length === 1);
  assert.equal(calls[0].url, '/workflow?workflow_type=quick_check');
});
