import { css } from 'lit';

/** Shared by the users, tokens and audit pages: a form row over a table. */
export const adminPageStyles = css`
  :host { display: block; max-width: 64rem; }
  h1 { margin-bottom: 0.4rem; }
  form { display: grid; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); gap: 0.5rem 0.75rem; align-items: end; margin: 1rem 0; }
  form .field { display: grid; gap: 0.25rem; }
  table { width: 100%; border-collapse: collapse; background: var(--qj-surface); }
  th, td { text-align: left; padding: 0.45rem 0.6rem; border-bottom: 1px solid #e4e8ec; vertical-align: top; }
  td.actions { display: flex; gap: 0.4rem; justify-content: flex-end; flex-wrap: wrap; }
  .message { margin: 0.5rem 0; }
  .token { display: block; padding: 0.5rem; background: #fff8c5; border: 1px solid #d4a72c; border-radius: var(--qj-radius); word-break: break-all; }
  @media (max-width: 700px) {
    thead { display: none; }
    tr { display: grid; padding: 0.4rem 0; border-bottom: 1px solid #e4e8ec; }
    td { border: 0; padding: 0.15rem 0.4rem; }
    td.actions { justify-content: flex-start; }
  }
`;
