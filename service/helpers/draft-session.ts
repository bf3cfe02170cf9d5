/**
 * The safe drafts a worker's host is running, one session each, keyed on the run's draft object
 * (HostCallContext.draft): what the draft held, its MySQL transactions and its data scratch layer.
 * `end` undoes the session and answers what it held.
 */
import { emptyHeld, type Held } from '../jobs/held.js';
import type { DataStore } from '../store/data-store.js';
import type { DataConfig } from './config.js';
import { DataHelper } from './data.js';
import { ScratchDataStore } from './draft-data.js';
import { MysqlDraft, type DraftConnections } from './draft-mysql.js';

export interface DraftSession {
  held: Held;
  mysql: MysqlDraft;
  /** `core.data` over the scratch layer. */
  data: DataHelper;
}

export class DraftSessions {
  readonly #sessions = new WeakMap<object, DraftSession>();

  constructor(private readonly deps: { mysql: DraftConnections; store: DataStore; data: DataConfig; timeoutMs: number }) {}

  session(draft: object): DraftSession {
    let session = this.#sessions.get(draft);
    if (!session) {
      const held = emptyHeld();
      const scratch = new ScratchDataStore(this.deps.store, held);
      session = {
        held,
        mysql: new MysqlDraft(this.deps.mysql, this.deps.timeoutMs, held),
        data: new DataHelper({ ...this.deps.store, ...bind(scratch) }, this.deps.data),
      };
      this.#sessions.set(draft, session);
    }
    return session;
  }

  async end(draft: object): Promise<Held> {
    const session = this.#sessions.get(draft);
    if (!session) return emptyHeld();
    this.#sessions.delete(draft);
    const failure = await session.mysql.end();
    return failure ? { ...session.held, error: failure } : session.held;
  }
}

function bind(scratch: ScratchDataStore): Pick<DataStore, 'dataGet' | 'dataSave' | 'dataDelete' | 'dataPage'> {
  return {
    dataGet: (source, idOrQuery) => scratch.dataGet(source, idOrQuery),
    dataSave: (source, value) => scratch.dataSave(source, value),
    dataDelete: (source, id) => scratch.dataDelete(source, id),
    dataPage: (source, query) => scratch.dataPage(source, query),
  };
}
