/** Replaced at build time (webmin/build.mjs) by the URLs of Monaco's worker bundles. */
declare const __EDITOR_WORKER_URL__: string;
declare const __TS_WORKER_URL__: string;
/** Replaced at build time by the text of sandbox/core-api.d.ts: the typings of `core` and `job`. */
declare const __CORE_API_DTS__: string;
