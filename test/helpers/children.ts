/**
 * Child processes a test file started end with it. A file the runner stops (a timeout, a cancelled
 * run: SIGTERM) or that exits with a service still running would otherwise leave that service
 * behind, its scheduler and threads taking CPU from every later file.
 *
 *   const child = endWithTests(spawn(process.execPath, [...]));
 */
import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:os';

const live = new Set<ChildProcess>();

function killAll(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  live.clear();
}

let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  process.once('exit', killAll);
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    // A listener replaces the default of ending the process, so this ends it as the signal would.
    process.once(signal, () => {
      killAll();
      process.exit(128 + constants.signals[signal]);
    });
  }
}

/** Registers `child` to be killed if this process exits or is told to stop before the child ends. */
export function endWithTests<T extends ChildProcess>(child: T): T {
  install();
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}
