import { css } from 'lit';

export const paramsRowsStyles = css`
  table { width: 100%; border-collapse: collapse; }
  th { text-align: left; font-size: 0.9rem; padding: 0.25rem 0.4rem; }
  td { padding: 0.25rem 0.4rem; vertical-align: top; }
  td.name { width: 22%; }
  td.value { width: 38%; }
  td.now { font-family: ui-monospace, monospace; font-size: 0.9rem; overflow-wrap: anywhere; padding-top: 0.6rem; }
  td.now.problem { color: var(--qj-danger); font-family: inherit; }
  .row-error { color: var(--qj-danger); margin: 0.2rem 0 0; font-size: 0.9rem; }
  .empty, .hint { color: var(--qj-muted); margin: 0.25rem 0; }
  .add { margin-top: 0.5rem; }
  @media (max-width: 700px) {
    thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
    tr { display: grid; grid-template-columns: 1fr; border-bottom: 1px solid var(--qj-border); padding: 0.4rem 0; }
    td.name, td.value { width: auto; }
  }
`;
