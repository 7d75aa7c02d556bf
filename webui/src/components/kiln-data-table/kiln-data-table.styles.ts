import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
  }
  .scroll {
    /* Contains the visually hidden sort hints, which would otherwise widen the page. */
    position: relative;
    overflow-x: auto;
    border: 1px solid var(--kiln-border);
    border-radius: var(--kiln-radius);
    background: var(--kiln-surface);
  }
  table {
    width: 100%;
    border-collapse: collapse;
    font-size: 0.92rem;
  }
  caption {
    text-align: left;
    font-weight: 700;
    padding: 0.6rem 0.75rem 0.2rem;
  }
  th,
  td {
    padding: 0.45rem 0.75rem;
    border-bottom: 1px solid var(--kiln-grid);
    text-align: left;
    vertical-align: top;
  }
  th {
    background: var(--kiln-surface-2);
    font-size: 0.85rem;
    white-space: nowrap;
    padding: 0;
  }
  th:not(:has(button)) {
    padding: 0.45rem 0.75rem;
  }
  th.num,
  td.num {
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
  button.sort {
    width: 100%;
    min-height: 2.4rem;
    justify-content: inherit;
    border: 0;
    border-radius: 0;
    background: transparent;
    padding: 0.45rem 0.75rem;
    font-weight: 700;
  }
  th.num button.sort {
    justify-content: flex-end;
  }
  th[aria-sort='ascending'],
  th[aria-sort='descending'] {
    background: var(--kiln-running-soft);
  }
  .arrow {
    font-size: 0.75em;
    color: var(--kiln-muted);
  }
  tbody tr:hover {
    background: var(--kiln-surface-2);
  }
  tbody tr:last-child td {
    border-bottom: 0;
  }
  .empty {
    color: var(--kiln-muted);
    text-align: center;
  }
`;
