import { html } from 'lit';
import { assert, deep, fixture, test } from '../../../test/t.js';
import './kiln-verdict-badge.js';
import type { KilnVerdictBadge } from './kiln-verdict-badge.js';

test('PASS, WARNING and FAIL differ in word, symbol and colour', async () => {
  const seen = new Set<string>();
  for (const v of ['PASS', 'WARNING', 'FAIL']) {
    const el = await fixture<KilnVerdictBadge>(html`<kiln-verdict-badge verdict=${v} size="large"></kiln-verdict-badge>`);
    const badge = deep(el, '.badge')!;
    assert.equal(deep(el, '.word')!.textContent, v);
    assert.includes(badge.getAttribute('aria-label')!, `Verdict ${v}`);
    assert.ok(deep(el, '.meaning')!.textContent!.length > 5, 'large badge says what it means');
    seen.add(getComputedStyle(badge).backgroundColor + deep(el, '.icon')!.textContent);
  }
  assert.equal(seen.size, 3);
});

test('an unknown verdict renders nothing', async () => {
  const el = await fixture<KilnVerdictBadge>(html`<kiln-verdict-badge verdict="MAYBE"></kiln-verdict-badge>`);
  assert.equal(deep(el, '.badge'), null);
});
