void import('./components/code-editor/code-editor.js');
