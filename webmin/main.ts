/**
 * The webmin's entry: the app shell and the views it routes to. The code editor (Monaco) is not
 * imported here; the editor page imports it on first use, so the jobs page stays small.
 */
import './components/app-shell/app-shell.js';
