import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { installShutdown, type ShutdownOptions } from '../../service/shutdown.js';

const quietLog = { info() {}, warn() {}, error() {} };

/** Records every step the shutdown takes, in order. */
function harness(overrides: Partial<ShutdownOptions> = {}) {
  const steps: string[] = [];
  const exits: number[] = [];
  let exited: () => void = () => {};
  const exitedOnce = new Promise<void>((resolve) => (exited = resolve));
  const options: ShutdownOptions = {
    log: quietLog,
    deadlineMs: 1000,
    signals: [],
    stopScheduling: () => void steps.push('stopScheduling'),
    waitForRuns: async (deadlineMs) => {
      steps.push(`waitForRuns ${deadlineMs}`);
      return true;
    },
    interruptRemaining: async () => {
      steps.push('interruptRemaining');
      return 2;
    },
    close: async () => void steps.push('close'),
    exit: (code) => {
      exits.push(code);
      exited();
    },
    ...overrides,
  };
  const handle = installShutdown(options);
  return { handle, steps, exits, exitedOnce };
}

describe('shutdown', () => {
  it('stops scheduling, waits for runs, closes and exits 0 when the runs finish in time', async () => {
    const h = harness();
    await h.handle.shutdown('test');
    assert.deepEqual(h.steps, ['stopScheduling', 'waitForRuns 1000', 'close']);
    assert.deepEqual(h.exits, [0]);
  });

  it('interrupts the runs still going when the deadline passes, then closes and exits 0', async () => {
    const h = harness({ waitForRuns: async () => false });
    await h.handle.shutdown('test');
    assert.deepEqual(h.steps, ['stopScheduling', 'interruptRemaining', 'close']);
    assert.deepEqual(h.exits, [0]);
  });

  it('exits 1 at once on a second request while the first is still waiting', async () => {
    let release: (done: boolean) => void = () => {};
    const h = harness({ waitForRuns: () => new Promise<boolean>((resolve) => (release = resolve)) });
    const first = h.handle.shutdown('first');
    void h.handle.shutdown('second');
    assert.deepEqual(h.exits, [1]);
    release(true);
    await first;
  });

  it('exits 1 when closing fails', async () => {
    const h = harness({
      close: async () => {
        throw new Error('disk gone');
      },
    });
    await h.handle.shutdown('test');
    assert.deepEqual(h.exits, [1]);
  });

  it('exits 1 when closing hangs past the deadline and the grace time', async () => {
    const h = harness({ deadlineMs: 20, closeGraceMs: 20, close: () => new Promise<void>(() => {}) });
    void h.handle.shutdown('test');
    await h.exitedOnce;
    assert.deepEqual(h.exits, [1]);
  });

  it('runs on a real signal, and a second signal exits at once', async () => {
    let release: (done: boolean) => void = () => {};
    let waiting: () => void = () => {};
    const waitingForRuns = new Promise<void>((resolve) => (waiting = resolve));
    const h = harness({
      signals: ['SIGUSR2'],
      waitForRuns: () => {
        waiting();
        return new Promise<boolean>((resolve) => (release = resolve));
      },
    });
    // A signal handler holds no event loop open; this timer does, until the signal arrives.
    const holdOpen = setTimeout(() => {}, 10_000);
    try {
      process.kill(process.pid, 'SIGUSR2');
      await waitingForRuns;
      clearTimeout(holdOpen);
      assert.deepEqual(h.steps, ['stopScheduling']);
      process.kill(process.pid, 'SIGUSR2');
      await h.exitedOnce;
      assert.deepEqual(h.exits, [1]);
      release(true);
    } finally {
      clearTimeout(holdOpen);
      h.handle.uninstall();
    }
  });
});
