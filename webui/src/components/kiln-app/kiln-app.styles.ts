import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    min-height: 100vh;
  }
  .skip {
    position: absolute;
    left: 0.5rem;
    top: -3rem;
    z-index: 10;
    padding: 0.5rem 1rem;
    background: var(--kiln-surface);
    border-radius: 6px;
  }
  .skip:focus {
    top: 0.5rem;
  }
  .top {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem 1rem;
    padding: 0.6rem clamp(0.75rem, 2vw, 2rem);
    background: #22262c;
    color: #fff;
  }
  .brand {
    display: inline-flex;
    align-items: center;
    gap: 0.5rem;
    color: #fff;
    text-decoration: none;
    font-weight: 800;
    font-size: 1.3rem;
  }
  .logo {
    display: inline-grid;
    place-items: center;
    width: 2rem;
    height: 2rem;
    border-radius: 6px;
    background: var(--kiln-accent);
    font-size: 1.1rem;
  }
  .tagline {
    color: #b9c0c9;
    font-size: 0.9rem;
  }
  nav {
    margin-left: auto;
  }
  nav .button {
    background: transparent;
    color: #fff;
    border-color: #5b636e;
  }
  nav .button:hover,
  nav .button.current {
    background: #3a4049;
    border-color: #8b95a1;
  }
  .layout {
    display: grid;
    grid-template-columns: minmax(0, 1fr) minmax(16rem, 22rem);
    gap: 1.25rem;
    padding: 1.25rem clamp(0.75rem, 2vw, 2rem) 3rem;
    max-width: 120rem;
    margin: 0 auto;
    align-items: start;
  }
  main {
    min-width: 0;
    outline: none;
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: 1rem;
  }
  aside {
    position: sticky;
    top: 1rem;
    max-height: calc(100vh - 2rem);
    overflow: auto;
    padding: 1rem;
    background: var(--kiln-surface);
    border: 1px solid var(--kiln-border);
    border-radius: var(--kiln-radius);
  }
  .banner {
    margin: 0;
    padding: 0.6rem 0.9rem;
    background: var(--kiln-warn-soft);
    border-left: 4px solid var(--kiln-warn);
    border-radius: 4px;
  }
  a {
    color: var(--kiln-link);
  }
  @media (max-width: 900px) {
    .layout {
      grid-template-columns: minmax(0, 1fr);
    }
    aside {
      position: static;
      max-height: none;
    }
  }
  @media (max-width: 480px) {
    .tagline {
      display: none;
    }
  }
`;
