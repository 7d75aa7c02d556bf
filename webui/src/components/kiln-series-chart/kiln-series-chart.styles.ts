import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    min-width: 0;
  }
  figure {
    margin: 0;
  }
  svg {
    display: block;
    width: 100%;
    height: auto;
    touch-action: pan-y;
    overflow: visible;
  }
  .grid line {
    stroke: var(--kiln-grid);
    stroke-width: 1;
  }
  .grid .axis {
    stroke: var(--kiln-border);
  }
  .tick {
    font-size: 11px;
    fill: var(--kiln-muted);
    font-variant-numeric: tabular-nums;
  }
  .series {
    fill: none;
    stroke: var(--kiln-series);
    stroke-width: 1.4;
    stroke-linejoin: round;
  }
  .trend {
    stroke: var(--kiln-trend);
    stroke-width: 2.5;
    stroke-dasharray: 8 5;
  }
  .band rect {
    fill: var(--kiln-band);
  }
  .band .edge {
    stroke: var(--kiln-band-edge);
    stroke-dasharray: 3 3;
    stroke-width: 1.2;
  }
  .band .mean {
    stroke: var(--kiln-band-edge);
    stroke-width: 1.2;
  }
  .band-label {
    font-size: 11px;
    fill: var(--kiln-band-edge);
    font-weight: 700;
  }
  .outlier {
    fill: var(--kiln-outlier);
    stroke: #fff;
    stroke-width: 1.5;
  }
  .hover line {
    stroke: var(--kiln-muted);
    stroke-dasharray: 2 3;
  }
  .hover circle {
    fill: var(--kiln-surface);
    stroke: var(--kiln-text);
    stroke-width: 2;
  }
  figcaption {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem 1rem;
    align-items: baseline;
    font-size: 0.8rem;
    color: var(--kiln-muted);
    padding: 0.1rem 0 0 0.25rem;
  }
  .legend {
    display: flex;
    flex-wrap: wrap;
    gap: 0.15rem 0.9rem;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .legend li {
    display: inline-flex;
    align-items: center;
    gap: 0.35rem;
  }
  .key {
    display: inline-block;
    width: 1.4rem;
  }
  .key.line {
    border-top: 2px solid var(--kiln-series);
  }
  .key.dashed {
    border-top: 2.5px dashed var(--kiln-trend);
  }
  .key.band {
    height: 0.8rem;
    background: var(--kiln-band);
    border-top: 1.5px dashed var(--kiln-band-edge);
    border-bottom: 1.5px dashed var(--kiln-band-edge);
  }
  .key.diamond {
    color: var(--kiln-outlier);
    width: auto;
  }
  .readout {
    margin-left: auto;
    font-variant-numeric: tabular-nums;
    color: var(--kiln-text);
    min-height: 1em;
  }
  .sampled {
    flex-basis: 100%;
    font-style: italic;
  }
`;
