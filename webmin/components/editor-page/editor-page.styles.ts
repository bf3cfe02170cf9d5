import { css } from 'lit';

export const editorPageStyles = css`
  :host { display: flex; flex-direction: column; flex: 1; min-height: 0; }
  .top { display: flex; align-items: center; gap: 0.5rem 1rem; flex-wrap: wrap; margin-bottom: 0.75rem; }
  .top h1 { margin-right: auto; overflow-wrap: anywhere; }
  .top h1 small { font-weight: 400; color: var(--qj-muted); font-size: 0.9rem; margin-left: 0.4rem; }
  .state { font-size: 0.9rem; color: var(--qj-muted); }
  .state.dirty { color: var(--qj-warn); font-weight: 600; }
  .buttons { display: flex; gap: 0.5rem; flex-wrap: wrap; }
  kbd { font: 0.8rem ui-monospace, 'DejaVu Sans Mono', monospace; opacity: 0.8; }
  .message { margin-bottom: 0.75rem; display: flex; gap: 0.75rem; align-items: center; flex-wrap: wrap; }
  .layout {
    display: grid; grid-template-columns: minmax(0, 3fr) minmax(20rem, 2fr); gap: 1rem;
    flex: 1; min-height: 0;
  }
  .code {
    height: calc(100vh - 12rem); min-height: 420px;
    border: 1px solid var(--qj-border); border-radius: 8px; overflow: hidden; background: #fff;
  }
  aside { display: grid; gap: 1rem; align-content: start; min-width: 0; max-height: calc(100vh - 12rem); overflow: auto; }
  section { padding: 0.75rem; }
  section h2 { margin-bottom: 0.6rem; display: flex; justify-content: space-between; align-items: baseline; gap: 0.5rem; }
  .hint { margin-top: 0.4rem; }
  @media (max-width: 900px) {
    .layout { grid-template-columns: minmax(0, 1fr); }
    .code { height: 60vh; min-height: 320px; }
    aside { max-height: none; overflow: visible; }
  }
  @media (max-width: 600px) {
    .buttons { width: 100%; display: grid; grid-template-columns: 1fr 1fr; }
  }
`;
