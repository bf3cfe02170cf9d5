/** A sandbox pool whose threads answer host calls with the fixture host (fixtures/counting-host.ts). */
import { randomUUID } from 'node:crypto';
import { SandboxPool, type SandboxPoolOptions } from '../../sandbox/pool.js';
import type { CountingHostCommand, CountingHostOptions, CountingHostReport } from './fixtures/counting-host.js';

const HOST_MODULE = new URL('./fixtures/counting-host.ts', import.meta.url).href;

export interface HostPool {
  pool: SandboxPool;
  /** What the threads' hosts reported, in the order received. */
  reports: CountingHostReport[];
  /** Tells the host of every thread. */
  send(command: CountingHostCommand): void;
  /** Disposes of the pool and stops listening. */
  close(): Promise<void>;
}

export async function hostPool(options: Omit<SandboxPoolOptions, 'host'>, extra: Partial<CountingHostOptions> = {}): Promise<HostPool> {
  const channel = `counting-host-${randomUUID()}`;
  const reports: CountingHostReport[] = [];
  const listener = new BroadcastChannel(channel);
  listener.onmessage = (event) => reports.push((event as MessageEvent).data as CountingHostReport);
  try {
    const pool = await SandboxPool.create({ ...options, host: { module: HOST_MODULE, options: { channel, ...extra } } });
    return {
      pool,
      reports,
      send: (command) => listener.postMessage(command),
      async close() {
        await pool.dispose();
        listener.close();
      },
    };
  } catch (error) {
    listener.close();
    throw error;
  }
}
