import { css } from 'lit';

export const appShellStyles = css`
  :host { display: flex; flex-direction: column; min-height: 100vh; }
  header {
    display: flex; align-items: center; gap: 1rem; flex-wrap: wrap;
    padding: 0.6rem 1.25rem; background: #14213d; color: #fff;
  }
  .brand { color: #fff; font-weight: 700; font-size: 1.1rem; text-decoration: none; letter-spacing: 0.01em; }
  .brand:hover { color: #dbe7ff; }
  .brand span { color: #9cc2ff; }
  header nav { margin-left: auto; display: flex; gap: 0.5rem; }
  header nav.pages { margin-left: 0.5rem; gap: 0.25rem; flex-wrap: wrap; }
  header nav.pages + nav { margin-left: auto; }
  .pages a { color: #dbe7ff; text-decoration: none; padding: 0.3rem 0.6rem; border-radius: var(--qj-radius); }
  .pages a:hover { background: #23345a; color: #fff; }
  .pages a[aria-current='page'] { color: #fff; background: #23345a; font-weight: 600; }
  header .btn { background: transparent; color: #fff; border-color: #50607f; min-height: 2rem; }
  header .btn:hover { background: #23345a; color: #fff; }
  main { flex: 1; display: flex; flex-direction: column; padding: 1.25rem; max-width: 1600px; width: 100%; margin: 0 auto; }
  .who { align-self: center; color: #dbe7ff; text-decoration: none; padding: 0.3rem 0.4rem; border-radius: var(--qj-radius); }
  .who:hover { background: #23345a; color: #fff; }
  .who .role { color: #c4d3ee; }
  .skip { position: absolute; left: -999px; top: 0; background: #fff; padding: 0.5rem; z-index: 10; }
  .skip:focus { left: 0.5rem; }
  @media (max-width: 600px) {
    header { padding: 0.5rem 0.75rem; }
    main { padding: 0.75rem; }
  }
`;
