import { css } from 'lit';

export const jobsTableStyles = css`
  :host { display: block; }
  table { width: 100%; border-collapse: collapse; background: var(--qj-surface); }
  th, td { text-align: left; padding: 0.55rem 0.75rem; border-bottom: 1px solid #e4e8ec; vertical-align: top; }
  th { font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.04em; color: var(--qj-muted); background: #f9fafb; }
  tbody tr:hover { background: #f9fbff; }
  tbody tr:last-child td { border-bottom: none; }
  .name a { font-weight: 600; }
  .description { display: block; color: var(--qj-muted); font-size: 0.88rem; margin-top: 0.1rem; }
  time { white-space: nowrap; }
  .result-OK { color: var(--qj-ok); font-weight: 600; }
  .result-SLEEP { color: #1f5fbf; font-weight: 600; }
  .result-STOP { color: var(--qj-warn); font-weight: 600; }
  .result-EXIT, .error { color: var(--qj-danger); font-weight: 600; }
  .error-text { display: block; color: var(--qj-danger); font-size: 0.85rem; max-width: 28ch; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .path a { font-family: ui-monospace, 'DejaVu Sans Mono', monospace; font-size: 0.88rem; }
  .muted { color: var(--qj-muted); }

  /* A phone gets one card per job: the header row goes, and each cell names itself. */
  @media (max-width: 760px) {
    table, tbody, tr, td { display: block; width: 100%; }
    thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
    tr { border-bottom: 1px solid var(--qj-border); padding: 0.5rem 0.25rem; }
    tbody tr:last-child { border-bottom: none; }
    td { border: none; padding: 0.2rem 0.6rem; display: grid; grid-template-columns: 6.5rem 1fr; gap: 0.5rem; }
    td::before { content: attr(data-label); color: var(--qj-muted); font-size: 0.85rem; }
    td.name { grid-template-columns: auto 1fr; font-size: 1.05rem; }
    td.name::before { content: none; }
    td.status { position: absolute; right: 0.75rem; margin-top: 0.1rem; width: auto; display: block; padding: 0; }
    td.status::before { content: none; }
    tr { position: relative; }
    .error-text { max-width: none; white-space: normal; }
  }
`;
