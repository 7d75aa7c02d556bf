import { html } from 'lit';
import { assert, deep, deepAll, fixture, test } from '../../../test/t.js';
import './kiln-data-table.js';
import type { Column, KilnDataTable } from './kiln-data-table.js';

interface Row { name: string; n: number | null }
const columns: Column<Row>[] = [{ key: 'name', label: 'Name' }, { key: 'n', label: 'Count', numeric: true }];
const rows: Row[] = [{ name: 'b', n: 2 }, { name: 'a10', n: 10 }, { name: 'a9', n: null }, { name: 'c', n: 1 }];

const cells = (el: Element, col: number) => deepAll(el, 'tbody tr').map((tr) => tr.children[col].textContent!.trim());

test('sorts by a column when its header is pressed, and says so to assistive tech', async () => {
  const el = await fixture<KilnDataTable<Row>>(html`<kiln-data-table caption="Things" .columns=${columns} .rows=${rows}></kiln-data-table>`);
  assert.deepEqual(cells(el, 0), ['b', 'a10', 'a9', 'c'], 'input order first');
  const [byName, byCount] = deepAll<HTMLButtonElement>(el, 'th button');
  byName.click();
  await el.updateComplete;
  assert.deepEqual(cells(el, 0), ['a9', 'a10', 'b', 'c'], 'natural order');
  assert.equal(deepAll(el, 'th')[0].getAttribute('aria-sort'), 'ascending');
  byName.click();
  await el.updateComplete;
  assert.deepEqual(cells(el, 0), ['c', 'b', 'a10', 'a9']);
  assert.equal(deepAll(el, 'th')[0].getAttribute('aria-sort'), 'descending');
  byCount.click();
  await el.updateComplete;
  assert.deepEqual(cells(el, 1), ['10', '2', '1', '–'], 'numbers descending first, blanks last');
  assert.equal(deepAll(el, 'th')[0].getAttribute('aria-sort'), 'none');
});

test('shows the empty text when there are no rows', async () => {
  const el = await fixture<KilnDataTable<Row>>(html`<kiln-data-table .columns=${columns} .rows=${[]} empty-text="No outliers."></kiln-data-table>`);
  assert.equal(deep(el, 'td.empty')!.textContent!.trim(), 'No outliers.');
});
