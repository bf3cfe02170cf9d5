import { css } from 'lit';

export const weekViewStyles = css`
  :host { display: block; }
  .hours, .row { display: grid; grid-template-columns: 6.5rem minmax(0, 1fr); gap: 0.5rem; align-items: center; }
  .hours .scale { display: flex; justify-content: space-between; color: var(--qj-muted); font-size: 0.8rem; }
  ol { list-style: none; margin: 0.25rem 0 0; padding: 0; display: grid; gap: 0.3rem; }
  .day { font-size: 0.9rem; font-weight: 600; white-space: nowrap; }
  .track { position: relative; height: 1.4rem; background: #eef1f4; border-radius: 4px; overflow: hidden; }
  .inside { position: absolute; top: 0; bottom: 0; background: var(--qj-ok); border-radius: 3px; }
  .zone { color: var(--qj-muted); font-size: 0.85rem; margin: 0 0 0.35rem; }
  @media (max-width: 600px) {
    .hours, .row { grid-template-columns: 4.5rem minmax(0, 1fr); }
  }
`;
