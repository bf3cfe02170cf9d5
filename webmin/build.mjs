// Builds the webmin into webmin/dist: a small eagerly loaded app bundle, a lazily imported editor
// chunk (Monaco only loads on the editor view), Monaco's two workers as classic-worker bundles,
// content-hashed names, index.html pointing at them, and .gz/.br files next to every asset so the
// service never compresses at request time.
import { build } from 'esbuild';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const webminDir = dirname(fileURLToPath(import.meta.url));
const rootDir = join(webminDir, '..');
const distDir = join(webminDir, 'dist');
const assetsDir = join(distDir, 'assets');
const coreApiPath = join(rootDir, 'sandbox', 'core-api.d.ts');

const common = {
  bundle: true,
  minify: true,
  legalComments: 'none',
  target: 'es2022',
  logLevel: 'warning',
  metafile: true,
};

async function buildWorkers() {
  // Classic (iife) workers: `new Worker(url)` then needs no module-worker support and no blob: URL.
  const result = await build({
    ...common,
    entryPoints: {
      'editor.worker': 'monaco-editor/editor/editor.worker',
      'ts.worker': 'monaco-editor/languages/features/typescript/ts.worker',
    },
    format: 'iife',
    outdir: assetsDir,
    entryNames: '[name]-[hash]',
    absWorkingDir: rootDir,
  });
  const urls = {};
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    if (!output.entryPoint) continue;
    const name = basename(file).startsWith('ts.worker') ? 'ts' : 'editor';
    urls[name] = `assets/${basename(file)}`;
  }
  return urls;
}

async function buildApp(workerUrls, coreApi) {
  const result = await build({
    ...common,
    entryPoints: { main: join(webminDir, 'main.ts') },
    format: 'esm',
    splitting: true,
    outdir: assetsDir,
    entryNames: '[name]-[hash]',
    chunkNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    loader: { '.ttf': 'file' },
    tsconfig: join(webminDir, 'tsconfig.json'),
    absWorkingDir: rootDir,
    define: {
      __EDITOR_WORKER_URL__: JSON.stringify(workerUrls.editor),
      __TS_WORKER_URL__: JSON.stringify(workerUrls.ts),
      __CORE_API_DTS__: JSON.stringify(coreApi),
    },
  });
  // esbuild gives every entry, the implicit ones of dynamic imports too, a CSS file holding all
  // the CSS it can reach, Monaco's included. Only Monaco has CSS, so keep the editor chunk's copy
  // (linked when the editor first loads) and drop the rest, so the jobs page loads no CSS at all.
  let mainJs = '';
  let mainImports = [];
  let editorCssFile = '';
  const outputs = Object.entries(result.metafile.outputs);
  for (const [file, output] of outputs) {
    if (output.entryPoint?.endsWith('webmin/main.ts')) {
      mainJs = `assets/${basename(file)}`;
      mainImports = output.imports.filter((i) => i.kind === 'import-statement').map((i) => `assets/${basename(i.path)}`);
    }
    if (output.entryPoint?.endsWith('code-editor/code-editor.ts')) editorCssFile = output.cssBundle ?? '';
  }
  for (const [file] of outputs) {
    if (file.endsWith('.css') && file !== editorCssFile) await rm(join(rootDir, file));
  }
  const editorCss = editorCssFile && `assets/${basename(editorCssFile)}`;
  if (!mainJs || !editorCss) throw new Error('webmin build: the main bundle or the editor CSS is missing');
  return { mainJs, mainImports, editorCss };
}

async function writeIndex(urls) {
  const template = await readFile(join(webminDir, 'index.html'), 'utf8');
  const links = [
    `<script type="module" src="${urls.mainJs}"></script>`,
    // The chunks main.js imports, fetched alongside it instead of after it has been parsed.
    ...urls.mainImports.map((url) => `<link rel="modulepreload" href="${url}">`),
    // The editor reads this when it first loads, so Monaco's CSS costs nothing on the jobs page.
    `<meta name="quickjobs-editor-css" content="${urls.editorCss}">`,
  ];
  const html = template.replace('<!-- assets -->', links.join('\n    '));
  await writeFile(join(distDir, 'index.html'), html);
}

async function precompress(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      await precompress(path);
      continue;
    }
    if (/\.(gz|br)$/.test(entry.name)) continue;
    const body = await readFile(path);
    await writeFile(`${path}.gz`, gzipSync(body, { level: 9 }));
    // Quality 11 on the 7 MB TypeScript worker takes many seconds for a few percent; 9 is nearly as small.
    const quality = body.length > 1_000_000 ? 9 : 11;
    await writeFile(
      `${path}.br`,
      brotliCompressSync(body, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: quality,
          [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
        },
      }),
    );
  }
}

async function main() {
  const started = Date.now();
  await rm(distDir, { recursive: true, force: true });
  await mkdir(assetsDir, { recursive: true });
  const coreApi = await readFile(coreApiPath, 'utf8');
  const workerUrls = await buildWorkers();
  const appUrls = await buildApp(workerUrls, coreApi);
  await writeIndex(appUrls);
  await precompress(distDir);
  console.log(`webmin: built ${relative(rootDir, distDir)} in ${Date.now() - started} ms`);
}

await main();
