/**
 * Executes runs in the sandbox pool, with the job's params' secret references resolved last (the
 * recorder resolved their dates and recorded them with the run, references as written), streaming each run's log to the run-events hub while it runs.
 * It writes nothing: the scheduler's run recorder records the start and the end.
 *
 * It also masks every secret value this node knows: every live log line on its way to viewers,
 * and the outcome (log, error, held output) before the recorder writes it or anyone sees it, so
 * the store, the API, alerts and webhooks only ever get the masked text. (The worker thread has
 * already masked the values it handed the job: helpers/secret.ts.)
 */
import type { SandboxPool } from '../../sandbox/pool.js';
import type { RunOutcome as SandboxOutcome } from '../../sandbox/types.js';
import { readHeld } from '../jobs/held.js';
import { SourceMapper } from '../jobs/source-map.js';
import { MissingSecretError, resolveParamSecrets, type JobParams } from '../jobs/params.js';
import type { Runner, RunOutcome, RunRequest } from '../scheduler/runner.js';
import { NO_MASK, type Masker } from '../secrets/masker.js';
import type { RunEvents } from './run-events.js';

export interface PoolRunnerOptions {
  pool: Pick<SandboxPool, 'run'>;
  runEvents: RunEvents;
  memoryBytes: number;
  logLimitBytes: number;
  timeZone: string;
  /** The masker of the secrets as they are now (SecretStore.masker); none: nothing is masked. */
  masker?: () => Masker;
  /**
   * A secret's value for a job's `{"$secret": name}` param, null when there is none
   * (SecretStore.value, which adds it to the masker before answering). None: every reference fails.
   */
  secret?: (name: string) => Promise<string | null>;
}

export class PoolRunner implements Runner {
  constructor(private readonly options: PoolRunnerOptions) {}

  async execute(request: RunRequest): Promise<RunOutcome> {
    const { pool, runEvents, memoryBytes, logLimitBytes, timeZone } = this.options;
    const masker = this.options.masker ?? (() => NO_MASK);
    const { job, runId } = request;
    // A TypeScript job's positions are mapped to its TypeScript lines before anyone sees them.
    const mapper = request.sourceMap ? new SourceMapper(request.sourceMap) : null;
    let params: JobParams;
    try {
      params = await resolveParamSecrets(request.params, this.options.secret ?? (async () => null));
    } catch (error) {
      if (!(error instanceof MissingSecretError)) throw error;
      return { outcome: 'error', error: { message: `the job's params could not be resolved: ${error.message}` }, logs: [] };
    }
    const outcome = await pool.run(
      {
        jobName: job.name,
        code: request.code,
        trigger: request.trigger,
        lastRunAt: job.lastRunAt === null ? null : new Date(job.lastRunAt).toISOString(),
        timeoutMs: job.timeout * 1000,
        memoryBytes,
        timeZone,
        logLimitBytes,
        params,
        ...(request.mode === 'safe' ? { mode: 'safe' as const } : {}),
      },
      // The pool's workers answer the job's core.* calls themselves (service/helpers/worker-host.ts).
      {
        onLog: (entry) => {
          const mask = masker();
          const message = mapper ? mapper.mapText(entry.message) : entry.message;
          runEvents.log(runId, { ...entry, message: mask.empty ? message : mask.text(message) });
        },
        ...(request.onThread ? { onThread: request.onThread } : {}),
        ...(request.signal ? { signal: request.signal } : {}),
      },
    );
    return maskOutcome(mapper ? mapOutcome(outcome, mapper) : outcome, masker());
  }
}

/** The outcome with its error's position and every `job.js:line:column` in its text at the TypeScript source. */
export function mapOutcome(outcome: SandboxOutcome, mapper: SourceMapper): SandboxOutcome {
  const logs = outcome.logs.map((entry) => ({ ...entry, message: mapper.mapText(entry.message) }));
  if (outcome.outcome === 'success') return { ...outcome, logs };
  const { line, column, ...error } = outcome.error;
  const at = line === undefined ? null : mapper.toSource({ line, column: column ?? 1 });
  return { ...outcome, logs, error: { ...error, message: mapper.mapText(error.message), ...(at ?? {}) } };
}

/** The outcome with every secret value in it masked, and a draft's held output read. */
export function maskOutcome(outcome: SandboxOutcome, mask: Masker): RunOutcome {
  const { held: rawHeld, ...rest } = outcome;
  const held = readHeld(rawHeld);
  const logs = mask.empty ? rest.logs : rest.logs.map((entry) => ({ ...entry, message: mask.text(entry.message) }));
  const masked: RunOutcome =
    rest.outcome === 'success' ? { ...rest, logs } : { ...rest, logs, error: mask.empty ? rest.error : { ...rest.error, message: mask.text(rest.error.message) } };
  if (held) masked.held = mask.value(held);
  return masked;
}
