import { css } from 'lit';

export const styles = css`
  :host {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: 1.25rem;
  }
  .verdict {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 1rem 1.5rem;
    border-left: 8px solid var(--kiln-border);
  }
  .verdict.PASS {
    border-left-color: var(--kiln-ok);
  }
  .verdict.WARNING {
    border-left-color: var(--kiln-warn);
  }
  .verdict.FAIL {
    border-left-color: var(--kiln-bad);
  }
  .verdict-text {
    flex: 1 1 16rem;
  }
  .summary {
    font-size: 1.15rem;
    font-weight: 700;
    margin: 0 0 0.4rem;
  }
  .facts {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.2rem;
  }
  .facts li {
    display: flex;
    gap: 0.5rem;
    align-items: baseline;
  }
  .fact-icon {
    width: 1.2rem;
    text-align: center;
    font-weight: 800;
  }
  .facts .bad .fact-icon {
    color: var(--kiln-bad);
  }
  .facts .good .fact-icon {
    color: var(--kiln-ok);
  }
  .stopped {
    border-left: 8px solid var(--kiln-bad);
  }
  .stopped h3 {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    align-items: center;
  }
  .notice {
    margin: 0;
    padding: 0.75rem 1rem;
    border-radius: var(--kiln-radius);
    background: var(--kiln-running-soft);
    border: 1px solid color-mix(in srgb, var(--kiln-running) 35%, transparent);
  }
  .section-head {
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    align-items: baseline;
    gap: 0.5rem 1rem;
    margin-bottom: 0.5rem;
  }
  .section-head h3 {
    margin: 0;
  }
  .count {
    display: inline-block;
    min-width: 1.6em;
    padding: 0 0.4em;
    border-radius: 999px;
    background: var(--kiln-pending-soft);
    color: var(--kiln-muted);
    font-size: 0.8em;
    text-align: center;
  }
  .toggle {
    display: inline-flex;
    align-items: center;
    gap: 0.4rem;
    font-size: 0.9rem;
    min-height: 2.5rem;
    cursor: pointer;
  }
  .toggle input {
    width: 1.2rem;
    height: 1.2rem;
  }
  .charts {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(min(100%, 26rem), 1fr));
    gap: 0.9rem;
  }
  .chart {
    padding: 0.7rem 0.8rem 0.5rem;
    min-width: 0;
  }
  .chart.attention {
    border-color: color-mix(in srgb, var(--kiln-bad) 45%, var(--kiln-border));
  }
  .chart h4 {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.4rem;
    margin: 0 0 0.3rem;
    font-size: 1rem;
  }
  .chart h4 .name {
    margin-right: auto;
    font-family: var(--kiln-mono);
  }
  .tag {
    font-size: 0.78rem;
    font-weight: 700;
    padding: 0.05rem 0.5rem;
    border-radius: 999px;
    border: 1.5px solid currentColor;
    white-space: nowrap;
  }
  .tag.bad {
    color: var(--kiln-bad);
    background: var(--kiln-bad-soft);
  }
  .tag.warn {
    color: var(--kiln-warn);
    background: var(--kiln-warn-soft);
  }
  .tag.ok {
    color: var(--kiln-ok);
    background: var(--kiln-ok-soft);
  }
  .direction.increasing,
  .direction.decreasing {
    color: var(--kiln-warn);
    font-weight: 700;
  }
  .steady {
    margin: 0.6rem 0 0;
  }
  .raw {
    max-height: 24rem;
    overflow: auto;
    background: var(--kiln-surface-2);
    padding: 0.75rem;
    border-radius: 6px;
    font-size: 0.85rem;
  }
`;
