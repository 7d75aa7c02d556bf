import { css } from 'lit';

export const styles = css`
  :host {
    display: inline-block;
    font-family: var(--kiln-font);
  }
  .badge {
    display: inline-grid;
    grid-template-columns: auto auto;
    align-items: center;
    column-gap: 0.35em;
    border-radius: 6px;
    background: var(--c);
    color: #fff;
    font-weight: 800;
    letter-spacing: 0.04em;
  }
  .small {
    padding: 0.05em 0.5em;
    font-size: 0.78em;
  }
  .large {
    padding: 0.4em 0.9em 0.45em 0.7em;
    font-size: 1.9rem;
    line-height: 1.1;
    box-shadow: 0 2px 6px rgba(0, 0, 0, 0.15);
  }
  .icon {
    display: inline-grid;
    place-items: center;
    width: 1.25em;
    height: 1.25em;
    border-radius: 50%;
    background: rgba(255, 255, 255, 0.22);
    font-size: 0.9em;
  }
  .small .icon {
    background: none;
    width: auto;
    height: auto;
  }
  .meaning {
    grid-column: 2;
    font-size: 0.42em;
    font-weight: 600;
    letter-spacing: 0.01em;
    opacity: 0.95;
  }
  /* WARNING is amber: a hatched edge tells it apart from FAIL without colour. */
  .WARNING.large {
    background: repeating-linear-gradient(-45deg, var(--c) 0 14px, color-mix(in srgb, var(--c) 88%, #000) 14px 28px);
  }
`;
