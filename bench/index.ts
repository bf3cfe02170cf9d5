/**
 * `npm run bench`: every figure the issues set a target for, with the machine it ran on.
 * Sections run one after another so they do not disturb each other's timings.
 */
import { cpus, freemem, totalmem } from 'node:os';
import { benchAgainstNaive, benchBurst, benchSustained } from './burst.js';
import { benchDrafts } from './drafts.js';
import { benchConsole } from './console.js';
import { benchCluster, benchSustainedMysql } from './cluster.js';
import { benchHelpers } from './helpers.js';
import { benchStrip, benchSync } from './jobs-as-code.js';
import { benchMemory } from './memory.js';
import { benchPeriodMath, benchPeriodSweep, benchPeriodWaiting } from './periods.js';
import { benchSandbox } from './sandbox.js';
import { benchSpinners } from './spinners.js';
import { benchApiWhileSpinning, benchLateness, benchRunCost, benchTenThousand } from './service.js';
import { benchSoak } from './soak.js';
import { benchWebmin } from './webmin.js';

function machine(): string {
  const cpu = cpus();
  return [
    `cpu: ${cpu[0]?.model ?? 'unknown'} × ${cpu.length}`,
    `memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB (${(freemem() / 2 ** 30).toFixed(1)} GiB free)`,
    `node: ${process.version} on ${process.platform}/${process.arch}`,
    `date: ${new Date().toISOString()}`,
  ].join('\n');
}

function print(section: string, figures: Record<string, number>): void {
  console.log(`\n## ${section}`);
  for (const [name, value] of Object.entries(figures)) {
    console.log(`${name.padEnd(34)} ${Number.isInteger(value) ? value : value.toFixed(3)}`);
  }
}

const only = process.argv.slice(2);
const sections: Array<[string, () => Promise<Record<string, number>>]> = [
  ['sandbox', benchSandbox],
  ['runs', benchRunCost],
  ['lateness-100', () => benchLateness(100, 10)],
  ['lateness-1000', () => benchLateness(1000, 10)],
  ['burst-1000', () => benchBurst(1000)],
  ['burst-5000', () => benchBurst(5000)],
  ['sustained-1000', () => benchSustained(1000, 10)],
  ['sustained-3000', () => benchSustained(3000, 10)],
  ['sustained-mysql-1000', () => benchSustainedMysql(1000, 10)],
  ['against-naive-1000', () => benchAgainstNaive(1000, 10)],
  ['api-while-spinning', benchApiWhileSpinning],
  ['spinners', benchSpinners],
  ['ten-thousand-jobs', benchTenThousand],
  ['helpers', benchHelpers],
  ['periods', benchPeriodMath],
  ['periods-waiting', benchPeriodWaiting],
  ['periods-sweep', benchPeriodSweep],
  ['drafts', benchDrafts],
  ['webmin', benchWebmin],
  ['console', benchConsole],
  ['memory', benchMemory],
  ['soak-sqlite', () => benchSoak(0, 'sqlite')],
  ['soak-sqlite-kill9', () => benchSoak(10, 'sqlite')],
  ['soak-mysql', () => benchSoak(0, 'mysql')],
  ['soak-mysql-kill9', () => benchSoak(10, 'mysql')],
  ['cluster', benchCluster],
  ['typescript-strip', benchStrip],
  ['sync-1000', () => benchSync(1000)],
];

console.log('# quickjobs benchmarks\n');
console.log(machine());
for (const [name, run] of sections) {
  if (only.length > 0 && !only.includes(name)) continue;
  try {
    print(name, await run());
  } catch (error) {
    console.log(`\n## ${name}\nfailed: ${(error as Error).stack ?? error}`);
  }
}
