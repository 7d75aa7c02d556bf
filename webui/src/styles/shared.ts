import { css } from 'lit';

/** Styles every component shares: buttons, focus rings, visually hidden text, panels. */
export const shared = css`
  :host {
    font-family: var(--kiln-font);
    color: var(--kiln-text);
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0, 0, 0, 0);
    white-space: nowrap;
    border: 0;
  }
  :focus-visible {
    outline: 3px solid var(--kiln-focus);
    outline-offset: 2px;
  }
  button,
  .button {
    font: inherit;
    font-weight: 600;
    min-height: 2.5rem;
    padding: 0.45rem 1rem;
    border-radius: 6px;
    border: 1px solid var(--kiln-border);
    background: var(--kiln-surface);
    color: var(--kiln-text);
    cursor: pointer;
    display: inline-flex;
    align-items: center;
    gap: 0.4rem;
    text-decoration: none;
    line-height: 1.2;
  }
  button:hover:not(:disabled),
  .button:hover {
    background: var(--kiln-surface-2);
    border-color: var(--kiln-muted);
  }
  button:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  button.primary {
    background: var(--kiln-accent);
    border-color: var(--kiln-accent);
    color: #fff;
  }
  button.primary:hover:not(:disabled) {
    background: var(--kiln-accent-strong);
    border-color: var(--kiln-accent-strong);
  }
  button.danger {
    color: var(--kiln-bad);
    border-color: var(--kiln-bad);
  }
  button.danger.solid {
    background: var(--kiln-bad);
    color: #fff;
  }
  select,
  input,
  textarea {
    font: inherit;
    color: inherit;
  }
  select {
    min-height: 2.5rem;
    padding: 0.35rem 0.5rem;
    border-radius: 6px;
    border: 1px solid var(--kiln-border);
    background: var(--kiln-surface);
  }
  .panel {
    background: var(--kiln-surface);
    border: 1px solid var(--kiln-border);
    border-radius: var(--kiln-radius);
    box-shadow: var(--kiln-shadow);
    padding: 1rem;
  }
  h2,
  h3,
  h4 {
    margin: 0 0 0.5rem;
    line-height: 1.25;
  }
  h2 {
    font-size: 1.35rem;
  }
  h3 {
    font-size: 1.1rem;
  }
  code,
  .mono {
    font-family: var(--kiln-mono);
    font-size: 0.92em;
  }
  .muted {
    color: var(--kiln-muted);
  }
  @media (prefers-reduced-motion: reduce) {
    * {
      animation: none !important;
      transition: none !important;
    }
  }
`;
