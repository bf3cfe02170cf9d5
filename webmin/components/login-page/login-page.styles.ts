import { css } from 'lit';

export const loginPageStyles = css`
  :host { display: block; margin: 8vh auto 0; width: 100%; max-width: 24rem; }
  form { padding: 1.5rem; display: grid; gap: 0.9rem; }
  p { margin: 0; color: var(--qj-muted); }
  .btn { width: 100%; }
`;
