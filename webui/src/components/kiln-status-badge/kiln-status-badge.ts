import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import { statusLook } from '../../lib/status.js';
import { styles } from './kiln-status-badge.styles.js';

/** A workflow or task status as a pill: symbol + word + colour. */
@customElement('kiln-status-badge')
export class KilnStatusBadge extends LitElement {
  static override styles = styles;

  @property({ reflect: true }) status: string | null = null;

  override render() {
    const look = statusLook(this.status);
    return html`<span class="badge ${this.status ?? 'waiting'}" style=${styleMap({ '--c': look.color, '--soft': look.soft })}
      ><span class="icon" aria-hidden="true">${look.icon}</span><span class="label">${look.label}</span></span
    >`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'kiln-status-badge': KilnStatusBadge;
  }
}
