/**
 * The QuickJS WASM module shared by every run in one thread (a worker, or the main thread for
 * `checkScript`). One module holds many runtimes; each run gets its own runtime and context.
 */
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  RELEASE_SYNC,
  type CustomizeVariantOptions,
  type QuickJSWASMModule,
} from 'quickjs-emscripten';

type WasmMemory = Extract<CustomizeVariantOptions['wasmMemory'], object>;
// Node has WebAssembly at run time; this project's lib settings (no DOM) do not type it.
const { Memory } = (globalThis as unknown as { WebAssembly: { Memory: new (descriptor: { initial: number; maximum: number }) => WasmMemory } })
  .WebAssembly;

const PAGE_BYTES = 64 * 1024;

/**
 * Memory is pre-grown to 128 MiB: if WASM memory grows inside `executePendingJobs`, quickjs-emscripten
 * 0.32 creates an unmanaged context and the next dispose aborts on `list_empty(&rt->gc_obj_list)`
 * (issues #240 and #269). Untouched pages are not resident, so this costs address space, not RSS.
 */
export const INITIAL_WASM_BYTES = 128 * 1024 * 1024;

/**
 * A hard ceiling on one thread's QuickJS heap, shared by all runs parked in that thread. It is the
 * backstop behind the per-run memory check, which samples and can be overrun between samples.
 */
export const MAXIMUM_WASM_BYTES = 512 * 1024 * 1024;

let shared: Promise<QuickJSWASMModule> | undefined;

/** Creates a fresh module with pre-grown memory. The caller owns it for the thread's lifetime. */
export function newSandboxModule(): Promise<QuickJSWASMModule> {
  const wasmMemory = new Memory({
    initial: INITIAL_WASM_BYTES / PAGE_BYTES,
    maximum: MAXIMUM_WASM_BYTES / PAGE_BYTES,
  });
  return newQuickJSWASMModuleFromVariant(newVariant(RELEASE_SYNC, { wasmMemory }));
}

/** The module of the current thread, created on first use. */
export function sandboxModule(): Promise<QuickJSWASMModule> {
  shared ??= newSandboxModule();
  return shared;
}
