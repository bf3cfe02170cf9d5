/**
 * The code editor renders in light DOM (Monaco's CSS and hovers break inside a shadow root), so its
 * few rules go into the document once instead of a shadow root.
 */
export const codeEditorCss = `
qj-code-editor { display: block; position: relative; min-height: 320px; height: 100%; }
qj-code-editor > .qj-monaco { position: absolute; inset: 0; }
`;
