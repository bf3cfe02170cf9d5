import { css } from 'lit';

export const jobFormStyles = css`
  :host { display: block; max-width: 60rem; }
  .top { display: flex; align-items: baseline; gap: 0.5rem 1rem; flex-wrap: wrap; margin-bottom: 1rem; }
  .top h1 { margin-right: auto; }
  form { padding: 1.25rem; display: grid; gap: 1.1rem; }
  .grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 1rem 1.25rem; }
  .wide { grid-column: 1 / -1; }
  fieldset { border: 1px solid #e4e8ec; border-radius: 8px; padding: 0.75rem 1rem 1rem; margin: 0; min-width: 0; }
  legend { font-weight: 700; padding: 0 0.35rem; }
  .radios, .checks { display: flex; gap: 0.5rem 1.5rem; flex-wrap: wrap; margin-bottom: 0.75rem; }
  .radios label, .checks label { font-weight: 400; display: inline-flex; gap: 0.4rem; align-items: center; }
  input[type='radio'], input[type='checkbox'] { width: 1.1rem; height: 1.1rem; margin: 0; }
  .field label { display: block; margin-bottom: 0.25rem; }
  .buttons { display: flex; gap: 0.5rem; flex-wrap: wrap; align-items: center; }
  .buttons .delete { margin-left: auto; }
  .label { font-weight: 600; display: block; margin-bottom: 0.25rem; }
  .sent { font-size: 1rem; margin: 1rem 0 0.5rem; }
  .readonly { font-family: ui-monospace, 'DejaVu Sans Mono', monospace; font-weight: 600; }
  @media (max-width: 640px) {
    .grid { grid-template-columns: minmax(0, 1fr); }
    form { padding: 1rem; }
    .buttons .btn { flex: 1 1 auto; }
    .buttons .delete { margin-left: 0; }
  }
`;
