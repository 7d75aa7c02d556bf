import { html } from 'lit';
import { assert, deep, fixture, test } from '../../../test/t.js';
import './kiln-status-badge.js';
import type { KilnStatusBadge } from './kiln-status-badge.js';

test('every status has a word and a symbol, not only a colour', async () => {
  for (const [s, icon] of [['pending', '○'], ['running', '▶'], ['completed', '✓'], ['failed', '✕'], ['cancelled', '⊘']]) {
    const el = await fixture<KilnStatusBadge>(html`<kiln-status-badge status=${s}></kiln-status-badge>`);
    assert.equal(deep(el, '.label')!.textContent, s);
    assert.equal(deep(el, '.icon')!.textContent, icon);
  }
});
