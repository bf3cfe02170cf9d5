/**
 * The composition root: config → store → sandbox pool → scheduler → app → serve. The only place
 * that reads the environment or opens a port.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { checkScript } from '../sandbox/check.js';
import { SandboxPool } from '../sandbox/pool.js';
import { AlertNotifier } from './alerts/notifier.js';
import { readAlertConfig, type AlertConfig } from './alerts/config.js';
import { webminRoutes } from './api/webmin-static.js';
import { createApp } from './app.js';
import { ensureAdminPassword } from './auth/admin-password.js';
import { keepAuditFor } from './users/audit-retention.js';
import { syncJobsFolder } from './bootstrap/sync-folder.js';
import { syncPeriodsFolder } from './bootstrap/sync-periods.js';
import { readCoreConfig, type CoreConfig, type Env } from './config.js';
import { ServiceEvents } from './events/service-events.js';
import { AddressPolicy } from './helpers/address-policy.js';
import { readHelperConfig, type HelperConfig } from './helpers/config.js';
import { verifyMysqlGrants } from './helpers/mysql-grants.js';
import { workerHostSpec } from './helpers/worker-host.js';
import { JobService } from './job-service/job-service.js';
import { PeriodService } from './periods/period-service.js';
import type { Job, RunRecord } from './jobs/types.js';
import { createLogger, type Logger } from './log.js';
import type { Cluster } from './cluster/cluster.js';
import { Metrics } from './metrics/metrics.js';
import { openNodeStore } from './node-store.js';
import { PoolRunner } from './runs/pool-runner.js';
import { RunEvents } from './runs/run-events.js';
import { Scheduler, type RunEvent } from './scheduler/scheduler.js';
import { SecretStore } from './secrets/secret-store.js';
import { installShutdown } from './shutdown.js';
import { watchStoreHealth } from './store/health-watch.js';
import type { Store } from './store/store.js';

export const VERSION: string = (JSON.parse(readFileSync(new URL('package.json', rootUrl()), 'utf8')) as { version: string }).version;

export interface Config {
  core: CoreConfig;
  helpers: HelperConfig;
  alerts: AlertConfig;
}

/** Every setting, validated; a bad one throws ConfigError naming it. */
export function readConfig(env: Env): Config {
  return { core: readCoreConfig(env), helpers: readHelperConfig(env), alerts: readAlertConfig(env) };
}

/** 64 KiB of log per run (SPEC §4). */
export const LOG_LIMIT_BYTES = 64 * 1024;

export interface Service {
  app: ReturnType<typeof createApp>;
  store: Store;
  scheduler: Scheduler;
  pool: SandboxPool;
  jobs: JobService;
  /** This node's place among several on one MySQL store; null for SQLite (one node). */
  cluster: Cluster | null;
  metrics: Metrics;
  secrets: SecretStore;
  log: Logger;
  /** Stops scheduling, then releases the pool (with the helpers in its threads) and the store (runs in flight are cut off). */
  dispose(): Promise<void>;
  /** Records the runs still in flight as interrupted (shutdown past its deadline). */
  interruptRemaining(): Promise<number>;
}

export interface CreateOptions {
  print?: (line: string) => void;
  log?: Logger;
}

/** Builds every part and starts the scheduler, without opening a port. Tests use it with `app.request()`. */
export async function createService(config: Config, options: CreateOptions = {}): Promise<Service> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const { core } = config;
  const log = options.log ?? createLogger({ level: core.logLevel, pretty: process.stdout.isTTY === true });

  await verifyMysqlGrants(config.helpers.mysql, (message) => {
    log.warn(message);
    print(`quickjobs: WARNING ${message}`);
  });
  const nodeId = core.nodeId ?? `${hostname()}:${core.port}`;
  // A missing or wrong key stops the start before this node takes a place among the others: a
  // node that failed to start must not hold its id as if it were live.
  let secrets!: SecretStore;
  const { store, cluster, clusterStart, releasePlace, releaseLock } = await openNodeStore(core, nodeId, log, async (opened) => {
    secrets = await SecretStore.open(opened, { envKey: core.secretKey, dataDir: core.dataDir });
  });
  const generated = await ensureAdminPassword(store, core.adminPassword);
  if (generated !== null) {
    print(`quickjobs: generated the password of webmin user admin (shown once; change it with "quickjobs passwd"): ${generated}`);
  }
  const auditRetention = keepAuditFor(store, core.auditDays, (error) => log.warn({ err: error }, 'could not prune the audit trail'));

  // Each sandbox worker answers its jobs' core.* calls itself, with its own store connection.
  const pool = await SandboxPool.create({
    workers: core.workers,
    maxWorkers: core.maxWorkers,
    // In a cluster the threads' store connections carry this node's name too (cluster/node-connections.ts).
    host: workerHostSpec({ helpers: config.helpers, store: core.store, secretKey: secrets.keyHex, node: cluster === null ? null : nodeId }),
  });
  const events = new ServiceEvents();
  const runEvents = new RunEvents();
  const metrics = new Metrics();
  events.on('job-deleted', (name) => metrics.forgetJob(name));
  const alerts = new AlertNotifier({
    store,
    config: config.alerts,
    smtp: { url: config.helpers.email.url, from: config.helpers.email.from },
    log,
    policy: new AddressPolicy(config.helpers.network.allow),
  });

  const runner = new PoolRunner({
    pool,
    runEvents,
    memoryBytes: core.memoryMb * 1024 * 1024,
    logLimitBytes: LOG_LIMIT_BYTES,
    timeZone: core.timeZone,
    masker: () => secrets.masker(),
    secret: (name) => secrets.value(name),
  });
  const scheduler = new Scheduler({
    store,
    runner,
    events,
    log,
    timeZone: core.timeZone,
    onRunStarted: (run) => runEvents.started(run.id),
    onRunFinished: (job, run, event) => {
      runEvents.ended(run);
      runFinished({ job, run, event, log, metrics, alerts });
    },
    onStoreError: () => metrics.storeError(),
    // Several nodes schedule by the database server's clock, so their own clocks may differ.
    ...(cluster === null ? {} : { now: () => cluster.clock.now(), fromWallClock: (at: number) => cluster.clock.fromWallClock(at) }),
    node: nodeId,
    owns: cluster === null ? undefined : (name) => cluster.owns(name),
    holding: cluster === null ? undefined : () => cluster.holding,
  });
  // Every change a person makes is announced to the other nodes through the store.
  const periods = new PeriodService({
    store,
    publish: (compiled) => scheduler.setPeriods(compiled),
    onChange: () => cluster?.announce('periods'),
    timeZone: core.timeZone,
  });
  await periods.refresh();
  const jobs = new JobService({
    store,
    // A new job's first slot, counted on the clock every node schedules by.
    ...(cluster === null ? {} : { now: () => cluster.clock.now() }),
    scheduler: {
      upsert: (job) => {
        scheduler.upsert(job);
        cluster?.announce('job', job.name);
      },
      remove: (name) => {
        scheduler.remove(name);
        cluster?.announce('delete', name);
      },
      isRunning: (name) => scheduler.isRunning(name) || (cluster?.runningElsewhere(name) ?? false),
      runNow: (name, code, by, mode, given) => scheduler.runNow(name, code, by, mode, given),
      // The API's nextRunAt and the status hover account for the job's period.
      nextRunFor: (job) => scheduler.nextRunFor(job),
      job: (name) => scheduler.job(name),
      periodWaitFor: (job) => scheduler.periodWaitFor(job),
    },
    checkScript,
    timeZone: core.timeZone,
    periodExists: (name) => periods.has(name),
    secretExists: (name) => secrets.exists(name),
    compiledPeriod: (name) => periods.compiledPeriod(name),
    codeRules: core.codeRules,
    onPolicyRefusal: ({ rule, line, job, action }) => {
      // Loud by default: every refusal is in the log and in /metrics.
      log.warn({ rule, line, job, action }, 'code refused by QUICKJOBS_CODE_RULES');
      metrics.policyRefusal(rule);
    },
  });
  // The sync logs what it changed and warns about what it skipped.
  const syncFolder = async (): Promise<void> => {
    await periods.refresh(); // a change another node made to the store
    await syncPeriodsFolder(periods, core.jobsDir, log, 'upsert');
    await syncJobsFolder(jobs, core.jobsDir, log);
    await syncPeriodsFolder(periods, core.jobsDir, log, 'remove');
  };
  await syncFolder();
  // Joining a live cluster, the boot rules (Run Once pending, stop → ok) are not this node's to apply.
  await scheduler.start({ fresh: clusterStart, ownRunsOnly: cluster !== null });
  cluster?.run(scheduler, { refreshPeriods: () => periods.refresh(), events, runEvents });
  // Nodes that joined while this one applied the boot rules may have read the jobs before them:
  // every job changed (Run Once pending, stop → ok), so every node reads them all again.
  if (clusterStart) cluster?.announce('job');

  const healthWatch = watchStoreHealth(store);
  const app = createApp({
    store,
    jobs,
    periods,
    scheduler,
    events,
    runEvents,
    remoteLines: cluster?.liveLines,
    remoteCancel: cluster?.cancels,
    apiToken: core.apiToken,
    trustProxy: core.trustProxy,
    version: VERSION,
    reload: async () => {
      await scheduler.reload(syncFolder);
      cluster?.announce('reload');
    },
    statusExtra: async () => ({
      pool: pool.stats(),
      store: storeStatus(store, scheduler),
      node: nodeId,
      nodes: cluster?.nodes() ?? [singleNode(nodeId, scheduler)],
      ...(cluster === null ? {} : { cluster: { holding: cluster.holding, problem: cluster.problem } }),
    }),
    nodeProblem: cluster === null ? undefined : () => cluster.problem,
    metrics: async () =>
      metrics.render({
        jobsByStatus: countByStatus(scheduler.list()),
        pool: pool.stats(),
        sandboxHeaps: (await pool.memory()).map((thread) => thread.heapUsed),
      }),
    secrets,
    webmin: webminRoutes(fileURLToPath(new URL('webmin/dist', rootUrl()))),
    onError: (error) => log.error({ err: error }, 'request failed'),
  });

  return {
    app,
    store,
    scheduler,
    pool,
    jobs,
    cluster,
    metrics,
    secrets,
    log,
    interruptRemaining: () =>
      store.interruptRunning(Date.now(), 'the service shut down before this run finished', cluster === null ? undefined : nodeId),
    async dispose() {
      auditRetention.stop();
      scheduler.stop();
      scheduler.stopRecording();
      healthWatch.stop();
      await releasePlace();
      await alerts.close();
      await pool.dispose();
      await store.close();
      releaseLock();
    },
  };
}

/** `quickjobs start`: create the service, serve it, and stop gracefully on SIGTERM/SIGINT. */
export async function startService(env: Env): Promise<void> {
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const config = readConfig(env);
  const { core } = config;
  const service = await createService(config, { print });
  const server = await listen(service.app.fetch, core.port, core.host);
  const address = server.address() as AddressInfo;
  const url = `http://${core.host}:${address.port}`;
  print(`quickjobs ${VERSION} listening on ${url} (store: ${core.store.kind === 'sqlite' ? core.store.file : 'mysql'})`);
  service.log.info({ url, jobs: service.scheduler.list().length, workers: core.workers }, 'started');

  installShutdown({
    log: service.log,
    deadlineMs: core.shutdownTimeoutMs,
    stopScheduling: () => {
      service.scheduler.stop();
      service.cluster?.stopClaiming();
      server.close();
    },
    waitForRuns: (ms) => service.scheduler.waitForRuns(ms),
    interruptRemaining: () => service.interruptRemaining(),
    close: () => service.dispose(),
    exit: (code) => process.exit(code),
  });
}

function runFinished(args: { job: Job; run: RunRecord; event: RunEvent; log: Logger; metrics: Metrics; alerts: AlertNotifier }): void {
  const { job, run, event, log, metrics, alerts } = args;
  if (run.outcome === 'running' || run.outcome === 'queued') return;
  // Lateness runs from the slot to the code's true start, after any wait for a sandbox thread.
  const latenessMs = run.trigger === 'schedule' && run.scheduledAt !== null && run.startedAt !== null ? run.startedAt - run.scheduledAt : null;
  metrics.runFinished({ job: run.job, outcome: run.outcome, durationMs: run.durationMs, latenessMs, waitMs: run.waitMs });
  const line = { job: run.job, run: run.id, trigger: run.trigger, outcome: run.outcome, result: run.result, durationMs: run.durationMs, waitMs: run.waitMs };
  if (run.outcome === 'success') log.info(line, 'run finished');
  else log.warn({ ...line, error: run.error?.message }, 'run failed');
  if (event === 'failed') alerts.notify('job.failed', job, run);
  if (event === 'recovered') alerts.notify('job.recovered', job, run);
}

/** The store as /status shows it: what its calls and checks have shown, at once. */
function storeStatus(store: Store, scheduler: Scheduler) {
  const health = store.health();
  return {
    ...health,
    since: health.since === null ? null : new Date(health.since).toISOString(),
    /** Ended runs whose end waits for the store to take it. */
    unrecordedRuns: scheduler.unrecordedCount,
  };
}

/** A single node (SQLite store) as /status lists nodes. */
function singleNode(id: string, scheduler: Scheduler) {
  const now = new Date().toISOString();
  return {
    id,
    startedAt: new Date(scheduler.bootedAt).toISOString(),
    heartbeatAt: now,
    alive: true,
    jobs: scheduler.list().filter((job) => job.active).length,
    running: scheduler.runningCount,
  };
}

function countByStatus(jobs: Job[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const job of jobs) counts[job.status] = (counts[job.status] ?? 0) + 1;
  return counts;
}

/** The repository root, from source (service/) or from the build (dist/service/). */
function rootUrl(): URL {
  return new URL(import.meta.url.includes('/dist/service/') ? '../../' : '../', import.meta.url);
}

function listen(fetch: (request: Request) => Response | Promise<Response>, port: number, hostname: string): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname }, () => resolve(server));
    server.once('error', reject);
  });
}
