import { css } from 'lit';

export const runsPageStyles = css`
  :host { display: flex; flex-direction: column; gap: 1rem; }
  .filters { display: grid; grid-template-columns: repeat(auto-fill, minmax(10.5rem, 1fr)); gap: 0.6rem; align-items: end; }
  .filters label { display: block; font-size: 0.9rem; margin-bottom: 0.2rem; }
  .filters input[type='datetime-local'] { font: inherit; width: 100%; min-height: 2.25rem; border: 1px solid #aab4be; border-radius: var(--qj-radius); padding: 0.3rem; }
  .actions { display: flex; gap: 0.5rem; }
  .split { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1rem; align-items: start; }
  .split > section:only-child { grid-column: 1 / -1; }
  section { background: var(--qj-surface); border: 1px solid var(--qj-border); border-radius: var(--qj-radius); padding: 0.75rem; min-width: 0; }
  .table-scroll { overflow-x: auto; }
  table { width: 100%; border-collapse: collapse; font-size: 0.9rem; }
  th, td { text-align: left; padding: 0.35rem 0.5rem; border-bottom: 1px solid var(--qj-border); white-space: nowrap; }
  tr.selected { background: #eef4ff; }
  .outcome { font-weight: 600; }
  .outcome.success { color: var(--qj-ok); }
  .outcome.error, .outcome.timeout { color: var(--qj-danger); }
  .outcome.running { color: var(--qj-accent); }
  .outcome.cancelled { color: #8250df; }
  .outcome.interrupted { color: var(--qj-muted); }
  .rerun { display: flex; gap: 0.5rem; flex-wrap: wrap; margin: 0.5rem 0; }
  code.params { overflow-wrap: anywhere; }
  .detail-head { display: flex; align-items: center; gap: 0.5rem; justify-content: space-between; }
  dl { display: grid; grid-template-columns: auto 1fr; gap: 0.25rem 0.75rem; font-size: 0.9rem; }
  dt { font-weight: 600; color: var(--qj-muted); }
  dd { margin: 0; }
  h3 { font-size: 1rem; margin: 0.75rem 0 0.3rem; }
  .log { font-family: ui-monospace, monospace; font-size: 0.85rem; background: #0f172a; color: #e2e8f0; padding: 0.5rem; border-radius: var(--qj-radius); max-height: 24rem; overflow: auto; white-space: pre-wrap; word-break: break-word; }
  .log .warn { color: #fcd34d; }
  .log .error { color: #fca5a5; }
  .log time { color: #94a3b8; }
  .empty { color: var(--qj-muted); }
  .error { color: var(--qj-danger); }
  @media (max-width: 900px) { .split { grid-template-columns: 1fr; } }
`;
