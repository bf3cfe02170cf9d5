import { css } from 'lit';

export const secretsPageStyles = css`
  :host { display: block; max-width: 60rem; }
  h1 { margin-bottom: 0.4rem; }
  form { display: grid; grid-template-columns: minmax(10rem, 1fr) minmax(12rem, 2fr) auto; gap: 0.5rem 0.75rem; align-items: end; margin: 1rem 0; }
  form .field { display: grid; gap: 0.25rem; }
  table { width: 100%; border-collapse: collapse; background: var(--qj-surface); }
  th, td { text-align: left; padding: 0.45rem 0.6rem; border-bottom: 1px solid #e4e8ec; }
  td.actions { display: flex; gap: 0.4rem; justify-content: flex-end; }
  .message { margin: 0.5rem 0; }
  @media (max-width: 700px) {
    form { grid-template-columns: minmax(0, 1fr); }
    thead { display: none; }
    tr { display: grid; padding: 0.4rem 0; border-bottom: 1px solid #e4e8ec; }
    td { border: 0; padding: 0.15rem 0.4rem; }
    td.actions { justify-content: flex-start; }
  }
`;
