import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import { verdictLook } from '../../lib/status.js';
import { styles } from './kiln-verdict-badge.styles.js';

/** PASS / WARNING / FAIL: colour, symbol and the word; `size="large"` adds what it means. */
@customElement('kiln-verdict-badge')
export class KilnVerdictBadge extends LitElement {
  static override styles = styles;

  @property({ reflect: true }) verdict: string | null = null;
  @property({ reflect: true }) size: 'small' | 'large' = 'small';

  override render() {
    const look = verdictLook(this.verdict);
    if (!look) return nothing;
    return html`<span class="badge ${this.size} ${this.verdict}" role="img" aria-label="Verdict ${look.label}: ${look.meaning}"
      style=${styleMap({ '--c': look.color, '--soft': look.soft })}>
      <span class="icon" aria-hidden="true">${look.icon}</span>
      <span class="word" aria-hidden="true">${look.label}</span>
      ${this.size === 'large' ? html`<span class="meaning" aria-hidden="true">${look.meaning}</span>` : nothing}
    </span>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kiln-verdict-badge': KilnVerdictBadge;
  }
}
