/**
 * The contract every Store implementation passes, whatever keeps the data. Call it from the
 * implementation's own test file:
 *
 *   describeStoreConformance('sqlite', async () => {
 *     const store = openTheStore({ runHistory: CONFORMANCE_RUN_HISTORY });
 *     return { store, cleanup: async () => { await store.close(); removeIt(); } };
 *   });
 *
 * Each test gets a fresh, empty store from `makeStore`, opened with CONFORMANCE_RUN_HISTORY.
 */
import { afterEach, beforeEach, describe } from 'node:test';

import type { Store } from '../../../service/store/store.js';
import { describeAlertsAndHealth } from './conformance/alert-cases.js';
import { describeCode } from './conformance/code-cases.js';
import { describeConsole } from './conformance/console-cases.js';
import { CONFORMANCE_RUN_HISTORY, type StoreContext } from './conformance/context.js';
import { describeData } from './conformance/data-cases.js';
import { describeJobs } from './conformance/job-cases.js';
import { describePeriods } from './conformance/period-cases.js';
import { describeRuns } from './conformance/run-cases.js';
import { describeSecrets } from './conformance/secret-cases.js';
import { describeSettingsAndSessions } from './conformance/settings-cases.js';
import { describeUsers } from './conformance/user-cases.js';

export { CONFORMANCE_RUN_HISTORY };

export interface StoreUnderTest {
  store: Store;
  /** Closes the store and removes what it kept. */
  cleanup: () => Promise<void>;
}

export function describeStoreConformance(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`the ${name} store`, () => {
    let current: StoreUnderTest | undefined;
    const context: StoreContext = {
      get store() {
        if (current === undefined) throw new Error('no store: used outside a test');
        return current.store;
      },
    };
    beforeEach(async () => {
      current = await makeStore();
    });
    afterEach(async () => {
      await current?.cleanup();
      current = undefined;
    });

    describeJobs(context);
    describeCode(context);
    describeRuns(context);
    describeSettingsAndSessions(context);
    describeData(context);
    describeAlertsAndHealth(context);
    describePeriods(context);
    describeSecrets(context);
    describeConsole(context);
    describeUsers(context);
  });
}
