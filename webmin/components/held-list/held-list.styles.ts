import { css } from 'lit';

export const heldListStyles = css`
  :host { display: block; }
  h3 { font-size: 0.95rem; margin: 0.6rem 0 0.3rem; }
  ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.3rem; }
  li {
    padding: 0.35rem 0.5rem; border: 1px solid #e4e8ec; border-radius: 4px; background: #fafbfc;
    font: 0.82rem/1.45 ui-monospace, 'DejaVu Sans Mono', monospace; white-space: pre-wrap; word-break: break-word;
  }
  .what { font-weight: 700; }
  .meta { color: var(--qj-muted); }
  .empty { color: var(--qj-muted); margin: 0; }
  .summary { margin: 0; }
`;
