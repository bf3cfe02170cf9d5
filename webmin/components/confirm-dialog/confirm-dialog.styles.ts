import { css } from 'lit';

export const confirmDialogStyles = css`
  dialog {
    border: 1px solid var(--qj-border); border-radius: 10px; padding: 1.25rem;
    width: min(28rem, calc(100vw - 2rem)); box-shadow: 0 12px 40px rgba(20, 33, 61, 0.25);
  }
  dialog::backdrop { background: rgba(20, 33, 61, 0.45); }
  p { margin: 0.75rem 0 1.25rem; }
  .buttons { display: flex; justify-content: flex-end; gap: 0.5rem; flex-wrap: wrap; }
`;
