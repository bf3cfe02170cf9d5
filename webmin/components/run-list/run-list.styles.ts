import { css } from 'lit';

export const runListStyles = css`
  :host { display: block; }
  ol { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.4rem; }
  details { border: 1px solid #e4e8ec; border-radius: 6px; background: var(--qj-surface); }
  summary {
    display: flex; flex-wrap: wrap; gap: 0.25rem 0.75rem; align-items: baseline;
    padding: 0.45rem 0.65rem; cursor: pointer; list-style-position: inside;
  }
  .outcome { font-weight: 700; }
  .outcome.success { color: var(--qj-ok); }
  .outcome.error, .outcome.timeout { color: var(--qj-danger); }
  .outcome.running, .outcome.queued { color: var(--qj-accent); }
  .outcome .icon { font-weight: 400; margin-right: 0.2em; }
  .outcome.interrupted { color: var(--qj-warn); }
  .meta { color: var(--qj-muted); font-size: 0.88rem; }
  .body { padding: 0 0.65rem 0.6rem; }
  .error { color: var(--qj-danger); margin: 0.25rem 0 0.5rem; white-space: pre-wrap; }
  .log {
    margin: 0; padding: 0.5rem 0.6rem; max-height: 18rem; overflow: auto;
    background: #0f172a; color: #e2e8f0; border-radius: 4px;
    font: 0.82rem/1.45 ui-monospace, 'DejaVu Sans Mono', monospace; white-space: pre-wrap; word-break: break-word;
  }
  .log .warn { color: #fcd34d; }
  .log .error { color: #fca5a5; margin: 0; }
  .log time { color: #94a3b8; }
  .empty { color: var(--qj-muted); margin: 0; }
`;
