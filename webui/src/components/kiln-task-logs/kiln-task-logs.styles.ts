import { css } from 'lit';

export const styles = css`
  dialog {
    width: min(44rem, calc(100vw - 1.5rem));
    max-height: calc(100vh - 2rem);
    padding: 0;
    border: 1px solid var(--kiln-border);
    border-radius: 12px;
    box-shadow: 0 12px 40px rgba(0, 0, 0, 0.25);
    color: var(--kiln-text);
    background: var(--kiln-surface);
  }
  dialog::backdrop {
    background: rgba(20, 24, 30, 0.45);
  }
  header,
  footer,
  section,
  .facts,
  dialog > p {
    padding: 0 1.1rem;
  }
  header {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 1rem;
    padding-top: 0.9rem;
    position: sticky;
    top: 0;
    background: var(--kiln-surface);
  }
  header h2 {
    margin: 0;
    overflow-wrap: anywhere;
  }
  .close {
    min-width: 2.5rem;
    justify-content: center;
  }
  .facts {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem 1.5rem;
    margin: 0.75rem 0;
  }
  .facts dt {
    font-size: 0.78rem;
    color: var(--kiln-muted);
  }
  .facts dd {
    margin: 0;
    font-weight: 600;
  }
  .error {
    margin: 0.5rem 1.1rem;
    padding: 0.6rem 0.8rem;
    border-left: 4px solid var(--kiln-bad);
    background: var(--kiln-bad-soft);
    border-radius: 4px;
    overflow-wrap: anywhere;
  }
  .logs-head {
    display: flex;
    justify-content: space-between;
    align-items: center;
    border-top: 1px solid var(--kiln-grid);
    padding-top: 0.75rem;
  }
  h4 {
    margin: 0.75rem 0 0.25rem;
    font-size: 0.9rem;
    color: var(--kiln-muted);
  }
  .lines {
    list-style: none;
    margin: 0;
    padding: 0;
    font-family: var(--kiln-mono);
    font-size: 0.82rem;
  }
  .lines li {
    display: grid;
    grid-template-columns: auto auto 1fr;
    gap: 0.6rem;
    padding: 0.25rem 0.4rem;
    border-bottom: 1px solid var(--kiln-grid);
  }
  .lines time {
    color: var(--kiln-muted);
  }
  .level {
    font-weight: 700;
    min-width: 3.2rem;
  }
  .warn .level {
    color: var(--kiln-warn);
  }
  .error .level,
  li.error {
    color: var(--kiln-bad);
  }
  li.error {
    background: var(--kiln-bad-soft);
    border-left: 0;
    margin: 0;
  }
  .message {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  footer {
    display: flex;
    justify-content: flex-end;
    padding-top: 0.9rem;
    padding-bottom: 0.9rem;
  }
  @media (max-width: 480px) {
    .lines li {
      grid-template-columns: auto 1fr;
    }
    .message {
      grid-column: 1 / -1;
    }
  }
`;
