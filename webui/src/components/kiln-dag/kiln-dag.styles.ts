import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
  }
  .frame {
    overflow-x: auto;
  }
  svg {
    display: block;
    margin: 0 auto;
    max-width: 100%;
    height: auto;
    overflow: visible;
  }
  .edge {
    fill: none;
    stroke: var(--kiln-border);
    stroke-width: 2.5;
    stroke-dasharray: 6 5;
  }
  .edge.done {
    stroke: var(--kiln-ok);
    stroke-dasharray: none;
  }
  .arrowhead {
    fill: var(--kiln-muted);
  }
  .node {
    cursor: pointer;
    outline: none;
    --c: var(--kiln-pending);
    --soft: var(--kiln-surface);
  }
  .node.pending {
    --c: var(--kiln-pending);
    --soft: var(--kiln-pending-soft);
  }
  .node.running {
    --c: var(--kiln-running);
    --soft: var(--kiln-running-soft);
  }
  .node.completed {
    --c: var(--kiln-ok);
    --soft: var(--kiln-ok-soft);
  }
  .node.failed {
    --c: var(--kiln-bad);
    --soft: var(--kiln-bad-soft);
  }
  .node.cancelled {
    --c: var(--kiln-cancelled);
    --soft: var(--kiln-cancelled-soft);
  }
  .box {
    fill: var(--soft);
    stroke: var(--c);
    stroke-width: 2;
  }
  .waiting .box,
  .pending .box {
    stroke-dasharray: 6 4;
  }
  .failed .box {
    stroke-width: 3.5;
  }
  .cancelled .box {
    stroke-dasharray: 2 3;
  }
  .running .box {
    stroke-width: 3;
    animation: glow 1.4s ease-in-out infinite;
  }
  @keyframes glow {
    50% {
      stroke-opacity: 0.35;
    }
  }
  .stripe {
    fill: var(--c);
  }
  .node:hover .box,
  .node.selected .box {
    filter: drop-shadow(0 2px 4px rgba(0, 0, 0, 0.2));
  }
  .focus-ring {
    fill: none;
    stroke: var(--kiln-focus);
    stroke-width: 3;
    visibility: hidden;
  }
  .node:focus-visible .focus-ring,
  .node.selected .focus-ring {
    visibility: visible;
  }
  .node.selected .focus-ring {
    stroke-dasharray: 4 3;
  }
  .node:focus-visible .focus-ring {
    stroke-dasharray: none;
  }
  text {
    font-family: var(--kiln-font);
  }
  .name {
    font-size: 16px;
    font-weight: 700;
    fill: var(--kiln-text);
  }
  .state {
    font-size: 15px;
    font-weight: 700;
    fill: var(--c);
  }
  .detail {
    font-size: 13px;
    fill: var(--kiln-muted);
  }
  .failed .detail,
  .pending .detail {
    fill: var(--kiln-bad);
  }
  .legend {
    display: flex;
    flex-wrap: wrap;
    justify-content: center;
    gap: 0.3rem 1rem;
    list-style: none;
    padding: 0;
    margin: 0.75rem 0 0;
    font-size: 0.82rem;
    color: var(--kiln-muted);
  }
  .legend .key {
    display: inline-flex;
    align-items: center;
    gap: 0.3rem;
  }
  .swatch {
    display: inline-grid;
    place-items: center;
    width: 1.2rem;
    height: 1.2rem;
    border-radius: 4px;
    border: 2px solid var(--c);
    background: var(--soft);
    color: var(--c);
    font-size: 0.7rem;
    font-weight: 800;
  }
  .key.pending { --c: var(--kiln-pending); --soft: var(--kiln-pending-soft); }
  .key.running { --c: var(--kiln-running); --soft: var(--kiln-running-soft); }
  .key.completed { --c: var(--kiln-ok); --soft: var(--kiln-ok-soft); }
  .key.failed { --c: var(--kiln-bad); --soft: var(--kiln-bad-soft); }
  .key.cancelled { --c: var(--kiln-cancelled); --soft: var(--kiln-cancelled-soft); }
  .legend .hint {
    font-style: italic;
  }
  .empty {
    padding: 1rem;
    text-align: center;
  }
  @media (prefers-reduced-motion: reduce) {
    .running .box {
      animation: none;
    }
  }
`;
