import { css } from 'lit';

export const styles = css`
  :host {
    display: inline-block;
    font-family: var(--kiln-font);
  }
  .badge {
    display: inline-flex;
    align-items: center;
    gap: 0.3em;
    padding: 0.1em 0.6em 0.1em 0.45em;
    border-radius: 999px;
    border: 1.5px solid var(--c);
    background: var(--soft);
    color: var(--c);
    font-weight: 700;
    font-size: 0.85em;
    line-height: 1.4;
    white-space: nowrap;
  }
  .badge.pending,
  .badge.waiting {
    border-style: dashed;
  }
  .icon {
    font-size: 0.95em;
  }
  .running .icon {
    animation: pulse 1.2s ease-in-out infinite;
  }
  @keyframes pulse {
    50% {
      opacity: 0.35;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .running .icon {
      animation: none;
    }
  }
`;
