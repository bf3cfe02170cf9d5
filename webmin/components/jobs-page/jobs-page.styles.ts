import { css } from 'lit';

export const jobsPageStyles = css`
  :host { display: block; }
  .bar { display: flex; align-items: center; gap: 0.75rem 1rem; flex-wrap: wrap; margin-bottom: 1rem; }
  .bar h1 { margin-right: auto; }
  .service { display: inline-flex; align-items: center; gap: 0.4rem; font-weight: 600; }
  .dot { width: 0.7rem; height: 0.7rem; border-radius: 50%; background: var(--qj-ok); }
  .dot.reloading { background: var(--qj-warn); }
  .counts { color: var(--qj-muted); font-weight: 400; }
  .actions { display: flex; gap: 0.5rem; }
  .table { overflow: hidden; }
  .empty { padding: 2rem 1.5rem; text-align: center; }
  .empty p { margin: 0.5rem auto; max-width: 46ch; color: var(--qj-muted); }
  .alert { margin-bottom: 1rem; }
  @media (max-width: 600px) {
    .bar h1 { width: 100%; }
    .actions { margin-left: auto; }
  }
`;
