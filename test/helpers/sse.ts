/**
 * Reads a live server-sent events stream of a real service (`/api/v1/events`, `/runs/:id/events`),
 * stamping each event with when it arrived, so tests and benches can time what a node streams.
 */
import type { ServiceHandle } from './service.js';

export interface ReceivedEvent {
  event: string;
  data: any;
  /** Date.now() when the event arrived. */
  at: number;
}

export interface EventStream {
  /** Resolves to the first event from now on (or already received and not yet taken) that matches. */
  next(match: (event: ReceivedEvent) => boolean, timeoutMs?: number, what?: string): Promise<ReceivedEvent>;
  close(): void;
}

export async function openEvents(node: ServiceHandle, path = '/events'): Promise<EventStream> {
  const abort = new AbortController();
  const response = await fetch(`${node.baseUrl}/api/v1${path}`, { headers: { authorization: `Bearer ${node.token}` }, signal: abort.signal });
  if (response.status !== 200 || response.body === null) throw new Error(`GET ${path} answered ${response.status}`);
  const received: ReceivedEvent[] = [];
  const waiters = new Set<() => void>();
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: ?(.*)$/m.exec(block)?.[1];
          const data = [...block.matchAll(/^data: ?(.*)$/gm)].map((m) => m[1]).join('\n');
          if (event === undefined) continue;
          received.push({ event, data: data === '' ? null : JSON.parse(data), at: Date.now() });
          for (const wake of waiters) wake();
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    next(match, timeoutMs = 10_000, what = 'an event') {
      return new Promise((resolve, reject) => {
        const check = () => {
          const index = received.findIndex(match);
          if (index < 0) return false;
          const [found] = received.splice(index, 1);
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found!);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    close: () => abort.abort(),
  };
}
