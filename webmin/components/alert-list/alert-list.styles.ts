import { css } from 'lit';

export const alertListStyles = css`
  :host { display: block; }
  ol { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.5rem; }
  li { border: 1px solid #e4e8ec; border-radius: 6px; padding: 0.5rem 0.75rem; overflow-wrap: anywhere; }
  .state { font-weight: 700; margin-right: 0.5rem; }
  .state.delivered { color: #1b7a3a; }
  .state.pending { color: #8a5a00; }
  .state.failed { color: #b3261e; }
  .meta { color: #56606b; font-size: 0.9rem; }
  .error { color: #b3261e; font-size: 0.9rem; margin: 0.25rem 0 0; }
  .empty { color: #56606b; margin: 0; }
`;
