import { css } from 'lit';

export const styles = css`
  :host {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: 1.25rem;
    min-width: 0;
  }
  .head {
    display: grid;
    gap: 0.5rem;
  }
  .title-row {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem 0.8rem;
  }
  .title-row h2 {
    margin: 0;
    font-size: 1.6rem;
  }
  kiln-status-badge.big {
    font-size: 1.15rem;
  }
  .meta {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 1.2rem;
    margin: 0;
    color: var(--kiln-muted);
  }
  .connection {
    display: inline-flex;
    align-items: center;
    gap: 0.35rem;
    margin-left: auto;
    font-size: 0.85rem;
    color: var(--kiln-muted);
  }
  .connection .dot {
    width: 0.6rem;
    height: 0.6rem;
    border-radius: 50%;
    background: var(--kiln-pending);
  }
  .connection.live .dot {
    background: var(--kiln-ok);
    box-shadow: 0 0 0 3px var(--kiln-ok-soft);
  }
  .connection.reconnecting .dot {
    background: var(--kiln-warn);
    animation: blink 1s steps(2) infinite;
  }
  @keyframes blink {
    50% {
      opacity: 0.2;
    }
  }
  .progress {
    position: relative;
    height: 1.6rem;
    border-radius: 999px;
    background: var(--kiln-pending-soft);
    overflow: hidden;
    border: 1px solid var(--kiln-border);
  }
  .bar {
    position: absolute;
    inset: 0 auto 0 0;
    background: var(--kiln-ok);
    opacity: 0.3;
    transition: width 0.3s ease;
  }
  .progress-text {
    position: relative;
    display: block;
    text-align: center;
    font-size: 0.85rem;
    font-weight: 700;
    line-height: 1.6rem;
  }
  .wf-error,
  .action-error {
    margin: 0;
    padding: 0.6rem 0.8rem;
    border-left: 4px solid var(--kiln-bad);
    background: var(--kiln-bad-soft);
    border-radius: 4px;
    overflow-wrap: anywhere;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
  }
  .confirm {
    display: inline-flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem;
    font-weight: 600;
  }
  .waiting-result p {
    margin: 0;
    display: flex;
    align-items: center;
    gap: 0.6rem;
    color: var(--kiln-muted);
  }
  .spinner {
    width: 1.1rem;
    height: 1.1rem;
    border-radius: 50%;
    border: 3px solid var(--kiln-running-soft);
    border-top-color: var(--kiln-running);
    animation: spin 0.9s linear infinite;
    flex: none;
  }
  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }
  .activity {
    background: var(--kiln-surface);
    border: 1px solid var(--kiln-border);
    border-radius: var(--kiln-radius);
    padding: 0.5rem 1rem;
  }
  .activity summary {
    cursor: pointer;
    font-weight: 700;
    min-height: 2rem;
    display: list-item;
  }
  .activity ol {
    list-style: none;
    margin: 0.5rem 0 0;
    padding: 0;
    font-size: 0.88rem;
  }
  .activity li {
    display: flex;
    flex-wrap: wrap;
    gap: 0.2rem 0.8rem;
    padding: 0.3rem 0;
    border-top: 1px solid var(--kiln-grid);
  }
  .activity time {
    color: var(--kiln-muted);
    font-variant-numeric: tabular-nums;
  }
  .activity .who {
    font-family: var(--kiln-mono);
    min-width: 9rem;
  }
  .activity .detail {
    flex-basis: 100%;
    color: var(--kiln-bad);
    overflow-wrap: anywhere;
  }
  .missing a {
    color: var(--kiln-link);
  }
`;
