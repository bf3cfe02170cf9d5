import { css } from 'lit';

export const statusIconStyles = css`
  :host { display: inline-flex; vertical-align: middle; }
  span { display: inline-flex; align-items: center; gap: 0.35rem; cursor: help; }
  svg { width: 1.25rem; height: 1.25rem; flex: none; }
  .running { animation: spin 1.2s linear infinite; transform-origin: 50% 50%; }
  @keyframes spin { to { transform: rotate(360deg); } }
  @media (prefers-reduced-motion: reduce) { .running { animation: none; } }
  .word { font-size: 0.85rem; color: var(--qj-muted, #59636e); }
`;
