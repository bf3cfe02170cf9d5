import { css } from 'lit';

export const dashboardStyles = css`
  :host { display: flex; flex-direction: column; gap: 1.25rem; }
  .head { display: flex; align-items: center; gap: 0.75rem; flex-wrap: wrap; }
  .head h1 { margin-right: auto; }
  .head select { width: auto; }
  .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); gap: 0.75rem; }
  .card { background: var(--qj-surface); border: 1px solid var(--qj-border); border-radius: var(--qj-radius); padding: 0.75rem; }
  .card h2 { font-size: 0.9rem; color: var(--qj-muted); }
  .figure { font-size: 1.5rem; font-weight: 700; margin: 0.3rem 0; }
  .note { font-size: 0.85rem; color: var(--qj-muted); margin: 0; }
  section { background: var(--qj-surface); border: 1px solid var(--qj-border); border-radius: var(--qj-radius); padding: 0.75rem; min-width: 0; }
  .cards { background: none; border: 0; padding: 0; }
  figure { margin: 0.5rem 0; }
  figcaption { font-size: 0.9rem; color: var(--qj-muted); }
  .chart-space { height: 220px; }
  .legend { display: flex; flex-wrap: wrap; gap: 0.75rem; list-style: none; padding: 0; margin: 0.5rem 0 0; font-size: 0.85rem; }
  .swatch { display: inline-block; width: 0.8rem; height: 0.8rem; border-radius: 2px; margin-right: 0.3rem; vertical-align: -1px; }
  .columns { display: grid; grid-template-columns: 1fr 1fr; gap: 1.25rem; }
  table { border-collapse: collapse; font-size: 0.9rem; }
  th, td { text-align: left; padding: 0.25rem 0.6rem 0.25rem 0; }
  .table-scroll { overflow-x: auto; }
  .empty { color: var(--qj-muted); }
  .error { color: var(--qj-danger); }
  .failing { padding-left: 1.25rem; }
  @media (max-width: 700px) { .columns { grid-template-columns: 1fr; } }
`;
