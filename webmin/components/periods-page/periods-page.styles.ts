import { css } from 'lit';

export const periodsPageStyles = css`
  :host { display: block; }
  .top { display: flex; align-items: baseline; gap: 0.5rem 1rem; flex-wrap: wrap; margin-bottom: 1rem; }
  .top h1 { margin-right: auto; }
  .layout { display: grid; grid-template-columns: minmax(12rem, 16rem) minmax(0, 1fr); gap: 1rem; align-items: start; }
  nav.list { padding: 0.75rem; }
  nav.list ul { list-style: none; margin: 0.5rem 0 0; padding: 0; display: grid; gap: 0.25rem; }
  nav.list a { display: block; padding: 0.3rem 0.4rem; border-radius: 4px; text-decoration: none; }
  nav.list a[aria-current='page'] { background: #e8f0fe; font-weight: 700; }
  form { padding: 1.25rem; display: grid; gap: 1rem; }
  .grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 1rem 1.25rem; }
  fieldset { border: 1px solid #e4e8ec; border-radius: 8px; padding: 0.75rem 1rem 1rem; margin: 0; min-width: 0; }
  legend { font-weight: 700; padding: 0 0.35rem; }
  .field label, .label { display: block; margin-bottom: 0.25rem; }
  .range { display: grid; grid-template-columns: minmax(0, 3fr) minmax(5rem, 1fr) minmax(5rem, 1fr) auto; gap: 0.5rem; align-items: end; margin-bottom: 0.6rem; }
  .checks { display: flex; gap: 0.5rem 1.5rem; flex-wrap: wrap; }
  .checks label { font-weight: 400; display: inline-flex; gap: 0.4rem; align-items: center; }
  input[type='checkbox'] { width: 1.1rem; height: 1.1rem; margin: 0; }
  .buttons { display: flex; gap: 0.5rem; flex-wrap: wrap; align-items: center; }
  .buttons .delete { margin-left: auto; }
  .readonly { font-family: ui-monospace, 'DejaVu Sans Mono', monospace; font-weight: 600; }
  @media (max-width: 720px) {
    .layout, .grid { grid-template-columns: minmax(0, 1fr); }
    .range { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); }
    .range .days { grid-column: 1 / -1; }
    form { padding: 1rem; }
  }
`;
