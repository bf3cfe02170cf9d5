/** Controls and type shared by every view, so a button looks and focuses the same everywhere. */
import { css } from 'lit';

export const sharedStyles = css`
  :host {
    --qj-accent: #1f5fbf;
    --qj-accent-dark: #174a96;
    --qj-danger: #b42318;
    --qj-ok: #1a7f37;
    --qj-warn: #9a6700;
    --qj-text: #1f2328;
    --qj-muted: #59636e;
    --qj-border: #d0d7de;
    --qj-surface: #ffffff;
    --qj-bg: #f6f7f9;
    --qj-radius: 6px;
    color: var(--qj-text);
    box-sizing: border-box;
  }
  *, *::before, *::after { box-sizing: inherit; }
  h1, h2, h3 { line-height: 1.2; margin: 0; }
  h1 { font-size: 1.35rem; }
  h2 { font-size: 1.1rem; }
  a { color: var(--qj-accent); }
  a:hover { color: var(--qj-accent-dark); }
  .sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  :focus-visible { outline: 3px solid #5b9dff; outline-offset: 2px; border-radius: 3px; }

  .btn {
    display: inline-flex; align-items: center; justify-content: center; gap: 0.4em;
    min-height: 2.25rem; padding: 0.35rem 0.9rem;
    font: inherit; font-weight: 600; text-decoration: none; white-space: nowrap;
    color: var(--qj-text); background: var(--qj-surface);
    border: 1px solid var(--qj-border); border-radius: var(--qj-radius); cursor: pointer;
  }
  .btn:hover { background: #eef1f4; color: var(--qj-text); }
  .btn:disabled, .btn[aria-disabled='true'] { opacity: 0.55; cursor: not-allowed; }
  .btn.primary { color: #fff; background: var(--qj-accent); border-color: var(--qj-accent); }
  .btn.primary:hover { background: var(--qj-accent-dark); }
  .btn.danger { color: var(--qj-danger); border-color: #e5a9a3; }
  .btn.danger:hover { background: #fdf0ee; }
  .btn.danger.solid { color: #fff; background: var(--qj-danger); border-color: var(--qj-danger); }

  label { font-weight: 600; }
  input[type='text'], input[type='password'], input[type='number'], input[type='url'], input:not([type]), select, textarea {
    font: inherit; width: 100%; min-height: 2.25rem; padding: 0.35rem 0.55rem;
    color: var(--qj-text); background: var(--qj-surface);
    border: 1px solid #aab4be; border-radius: var(--qj-radius);
  }
  [aria-invalid='true'] { border-color: var(--qj-danger) !important; }
  .field-error { color: var(--qj-danger); font-size: 0.9rem; margin: 0.2rem 0 0; }
  .hint { color: var(--qj-muted); font-size: 0.9rem; margin: 0.2rem 0 0; }
  .alert {
    padding: 0.6rem 0.8rem; border-radius: var(--qj-radius);
    border: 1px solid #e5a9a3; background: #fdf0ee; color: #7a1a12;
  }
  .notice { padding: 0.6rem 0.8rem; border-radius: var(--qj-radius); border: 1px solid #9fd3ad; background: #eefaf1; color: #0f5323; }
  .visually-hidden {
    position: absolute !important; width: 1px; height: 1px; overflow: hidden;
    clip: rect(0 0 0 0); white-space: nowrap;
  }
  .card { background: var(--qj-surface); border: 1px solid var(--qj-border); border-radius: 8px; }
`;
