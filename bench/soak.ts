/**
 * The chaos soak run long (the test suite runs it for seconds): 50 mixed jobs for 120 s on each
 * store, once without kills and once with ten SIGKILL-and-restart rounds. Prints the counts the
 * suite asserts on; any non-zero duplicate, overlap or left-running figure is a bug.
 */
import { createTestDatabase } from '../test/helpers/mysql-database.js';
import { soak, type SoakReport } from '../test/helpers/soak.js';

const DURATION_MS = Number(process.env.QUICKJOBS_SOAK_MS ?? 120_000);
const PER_KIND = 10; // 5 kinds × 10 + 2 cron jobs

function figures(report: SoakReport): Record<string, number> {
  return {
    runs: report.runs,
    'left running': report.leftRunning,
    'duplicate slots': report.duplicateSlots.length,
    overlaps: report.overlaps.length,
    interrupted: report.interrupted,
    'run errors': report.runErrors.length,
    'api writes': report.apiWrites,
    'api errors': report.apiErrors.length,
    'store complaints logged': report.storeComplaints.length,
    'exit code': report.exitCode ?? -1,
  };
}

export async function benchSoak(kills: number, store: 'sqlite' | 'mysql'): Promise<Record<string, number>> {
  if (store === 'sqlite') return figures(await soak({ durationMs: DURATION_MS, kills, perKind: PER_KIND }));
  const database = await createTestDatabase();
  try {
    return figures(await soak({ mysqlUrl: database.url(), durationMs: DURATION_MS, kills, perKind: PER_KIND }));
  } finally {
    await database.drop();
  }
}
