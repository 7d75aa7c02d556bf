import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
  }
  form {
    display: grid;
    gap: 1rem;
  }
  h2 {
    margin: 0;
    font-size: 1.6rem;
  }
  .lead {
    margin: -0.5rem 0 0;
    color: var(--kiln-muted);
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
  }
  .file {
    position: relative;
    overflow: hidden;
  }
  .file:focus-within {
    outline: 3px solid var(--kiln-focus);
    outline-offset: 2px;
  }
  .file input {
    position: absolute;
    inset: 0;
    opacity: 0;
    cursor: pointer;
    font-size: 0;
  }
  .field {
    display: grid;
    gap: 0.35rem;
  }
  .label-row {
    display: flex;
    flex-wrap: wrap;
    justify-content: space-between;
    gap: 0.25rem 1rem;
    align-items: baseline;
  }
  label {
    font-weight: 700;
  }
  .summary {
    font-size: 0.85rem;
    color: var(--kiln-muted);
  }
  .drop {
    position: relative;
    border-radius: var(--kiln-radius);
  }
  textarea {
    display: block;
    width: 100%;
    min-height: 16rem;
    height: 40vh;
    resize: vertical;
    padding: 0.75rem;
    border: 2px solid var(--kiln-border);
    border-radius: var(--kiln-radius);
    background: var(--kiln-surface-2);
    font-family: var(--kiln-mono);
    font-size: 0.82rem;
    line-height: 1.5;
    white-space: pre;
    overflow-wrap: normal;
    overflow: auto;
  }
  textarea:focus {
    background: var(--kiln-surface);
    border-color: var(--kiln-focus);
  }
  textarea::selection {
    background: #ffb3ab;
    color: #000;
  }
  .invalid textarea {
    border-color: var(--kiln-bad);
  }
  .file-chip {
    padding: 1.25rem;
    border: 2px dashed var(--kiln-border);
    border-radius: var(--kiln-radius);
    background: var(--kiln-surface-2);
  }
  .drop-hint {
    display: none;
    position: absolute;
    inset: 0;
    place-items: center;
    border: 3px dashed var(--kiln-focus);
    border-radius: var(--kiln-radius);
    background: rgba(227, 239, 255, 0.92);
    font-weight: 800;
    font-size: 1.2rem;
    color: var(--kiln-running);
    pointer-events: none;
  }
  .dragging .drop-hint {
    display: grid;
  }
  .error {
    display: flex;
    gap: 0.75rem;
    align-items: flex-start;
    padding: 0.75rem 0.9rem;
    border-radius: var(--kiln-radius);
    background: var(--kiln-bad-soft);
    border: 2px solid var(--kiln-bad);
  }
  .error-icon {
    flex: none;
    display: grid;
    place-items: center;
    width: 1.6rem;
    height: 1.6rem;
    border-radius: 50%;
    background: var(--kiln-bad);
    color: #fff;
    font-weight: 800;
  }
  .error > div {
    flex: 1;
    min-width: 0;
  }
  .error p {
    margin: 0 0 0.25rem;
    overflow-wrap: anywhere;
  }
  .where {
    font-weight: 700;
  }
  .field code.field {
    display: inline-block;
    max-width: 100%;
    background: #fff;
    border: 1px solid var(--kiln-bad);
    border-radius: 4px;
    padding: 0 0.3rem;
    color: var(--kiln-bad);
    font-weight: 700;
  }
  .show {
    margin-top: 0.25rem;
    min-height: 2.2rem;
    font-size: 0.9rem;
  }
  .type select {
    max-width: 100%;
  }
  .type p {
    margin: 0;
    font-size: 0.9rem;
  }
  .steps {
    display: block;
    font-family: var(--kiln-mono);
    font-size: 0.85em;
  }
  .submit-row {
    display: flex;
    justify-content: flex-end;
  }
  .big {
    font-size: 1.1rem;
    min-height: 3rem;
    padding: 0.6rem 1.6rem;
  }
  .spinner {
    width: 1rem;
    height: 1rem;
    border-radius: 50%;
    border: 3px solid rgba(255, 255, 255, 0.4);
    border-top-color: #fff;
    animation: spin 0.9s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }
  @media (max-width: 480px) {
    .submit-row button {
      width: 100%;
      justify-content: center;
    }
    textarea {
      height: 30vh;
    }
  }
`;
