import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
  }
  .head {
    display: flex;
    align-items: baseline;
    justify-content: space-between;
    gap: 0.5rem;
  }
  .live {
    display: inline-flex;
    align-items: center;
    gap: 0.3rem;
    font-size: 0.8rem;
    color: var(--kiln-muted);
  }
  .dot {
    width: 0.55rem;
    height: 0.55rem;
    border-radius: 50%;
    background: var(--kiln-pending);
  }
  .live.live .dot {
    background: var(--kiln-ok);
  }
  .live.reconnecting .dot {
    background: var(--kiln-warn);
  }
  .filter {
    display: flex;
    align-items: center;
    gap: 0.5rem;
    margin: 0.25rem 0 0.75rem;
    font-weight: 600;
  }
  .filter select {
    flex: 1;
  }
  .runs {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.4rem;
  }
  a {
    display: grid;
    grid-template-columns: auto 1fr auto;
    grid-template-areas:
      'id badges time'
      'type type type';
    align-items: center;
    gap: 0.15rem 0.6rem;
    padding: 0.55rem 0.7rem;
    border: 1px solid var(--kiln-border);
    border-radius: var(--kiln-radius);
    background: var(--kiln-surface);
    color: inherit;
    text-decoration: none;
    min-height: 2.75rem;
  }
  a:hover {
    border-color: var(--kiln-muted);
    background: var(--kiln-surface-2);
  }
  a.active {
    border-color: var(--kiln-accent);
    box-shadow: inset 4px 0 0 var(--kiln-accent);
    background: #fff7f3;
  }
  .id {
    grid-area: id;
    font-weight: 800;
    font-variant-numeric: tabular-nums;
  }
  .badges {
    grid-area: badges;
    display: flex;
    flex-wrap: wrap;
    gap: 0.3rem;
    align-items: center;
  }
  .type {
    grid-area: type;
    font-size: 0.8rem;
    color: var(--kiln-muted);
    font-family: var(--kiln-mono);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  time {
    grid-area: time;
    font-size: 0.8rem;
    color: var(--kiln-muted);
    white-space: nowrap;
  }
  .empty {
    text-align: center;
    padding: 1rem 0;
  }
  .error {
    padding: 0.5rem 0.7rem;
    background: var(--kiln-bad-soft);
    border-left: 4px solid var(--kiln-bad);
    border-radius: 4px;
  }
  .more {
    width: 100%;
    justify-content: center;
    margin-top: 0.6rem;
  }
`;
