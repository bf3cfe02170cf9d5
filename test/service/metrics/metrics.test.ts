import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';

import { Metrics, type MetricsSnapshot } from '../../../service/metrics/metrics.js';

interface ParsedSample {
  value?: string;
  labels?: Record<string, string>;
  buckets?: Record<string, string>;
  count?: string;
  sum?: string;
}
interface ParsedFamily {
  name: string;
  help: string;
  type: string;
  metrics: ParsedSample[];
}

// The parser ships without typings; it is loaded as CommonJS and given the shape its README shows.
const parse = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => ParsedFamily[];

const snapshot: MetricsSnapshot = {
  jobsByStatus: { ok: 3, exit: 1 },
  pool: { busy: 1, queued: 2, workers: 4 },
  sandboxHeaps: [10_000_000, 12_000_000],
};

function family(text: string, name: string): ParsedFamily {
  const found = parse(text).find((f) => f.name === name);
  assert.ok(found, `${name} is in the output`);
  return found;
}

function sample(text: string, name: string, labels: Record<string, string>): ParsedSample | undefined {
  return family(text, name).metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
}

describe('Metrics', () => {
  it('renders every family in a form a Prometheus parser reads, even before any run', () => {
    const text = new Metrics().render(snapshot);
    const names = parse(text).map((f) => f.name);
    for (const name of [
      'quickjobs_runs_total',
      'quickjobs_run_duration_seconds',
      'quickjobs_schedule_lateness_seconds',
      'quickjobs_jobs',
      'quickjobs_pool_busy_workers',
      'quickjobs_pool_queue_depth',
      'quickjobs_pool_workers',
      'quickjobs_sandbox_heap_bytes',
      'quickjobs_store_errors_total',
    ]) {
      assert.ok(names.includes(name), `${name} present`);
    }
    assert.equal(family(text, 'quickjobs_runs_total').type, 'COUNTER');
    assert.equal(family(text, 'quickjobs_run_duration_seconds').type, 'HISTOGRAM');
  });

  it('counts finished runs by job and outcome', () => {
    const metrics = new Metrics();
    metrics.runFinished({ job: 'a', outcome: 'success', durationMs: 12, latenessMs: 3 });
    metrics.runFinished({ job: 'a', outcome: 'success', durationMs: 40, latenessMs: 1 });
    metrics.runFinished({ job: 'a', outcome: 'timeout', durationMs: 30_000, latenessMs: null });
    metrics.runFinished({ job: 'b', outcome: 'error', durationMs: 2, latenessMs: 0 });
    const text = metrics.render(snapshot);

    assert.equal(sample(text, 'quickjobs_runs_total', { job: 'a', outcome: 'success' })?.value, '2');
    assert.equal(sample(text, 'quickjobs_runs_total', { job: 'a', outcome: 'timeout' })?.value, '1');
    assert.equal(sample(text, 'quickjobs_runs_total', { job: 'b', outcome: 'error' })?.value, '1');
  });

  it('puts durations and lateness into cumulative buckets in seconds', () => {
    const metrics = new Metrics();
    metrics.runFinished({ job: 'a', outcome: 'success', durationMs: 20, latenessMs: 2 });
    metrics.runFinished({ job: 'a', outcome: 'success', durationMs: 3000, latenessMs: null });
    const text = metrics.render(snapshot);

    const duration = family(text, 'quickjobs_run_duration_seconds').metrics[0];
    assert.equal(duration?.count, '2');
    assert.equal(Number(duration?.sum), 3.02);
    assert.equal(duration?.buckets?.['0.025'], '1');
    assert.equal(duration?.buckets?.['5'], '2');
    assert.equal(duration?.buckets?.['+Inf'], '2');

    // A manual run (lateness null) is not a schedule slot and is not counted.
    const lateness = family(text, 'quickjobs_schedule_lateness_seconds').metrics[0];
    assert.equal(lateness?.count, '1');
    assert.equal(lateness?.buckets?.['0.001'], '0');
    assert.equal(lateness?.buckets?.['0.005'], '1');
  });

  it('reports the snapshot gauges, with every job status present', () => {
    const text = new Metrics().render(snapshot);
    assert.equal(sample(text, 'quickjobs_jobs', { status: 'ok' })?.value, '3');
    assert.equal(sample(text, 'quickjobs_jobs', { status: 'exit' })?.value, '1');
    assert.equal(sample(text, 'quickjobs_jobs', { status: 'once-done' })?.value, '0');
    assert.equal(family(text, 'quickjobs_pool_busy_workers').metrics[0]?.value, '1');
    assert.equal(family(text, 'quickjobs_pool_queue_depth').metrics[0]?.value, '2');
    assert.equal(family(text, 'quickjobs_pool_workers').metrics[0]?.value, '4');
    assert.equal(family(text, 'quickjobs_sandbox_heap_bytes').metrics[0]?.value, '22000000');
  });

  it('counts store errors', () => {
    const metrics = new Metrics();
    metrics.storeError();
    metrics.storeError();
    assert.equal(family(metrics.render(snapshot), 'quickjobs_store_errors_total').metrics[0]?.value, '2');
  });

  it('escapes label values so no job name can break the format', () => {
    const metrics = new Metrics();
    const awkward = 'say "hi"\\\nthere';
    metrics.runFinished({ job: awkward, outcome: 'success', durationMs: 1, latenessMs: null });
    const text = metrics.render(snapshot);
    assert.ok(text.includes('job="say \\"hi\\"\\\\\\nthere"'));
    assert.equal(sample(text, 'quickjobs_runs_total', { job: awkward })?.value, '1');
  });

  it('forgets a deleted job', () => {
    const metrics = new Metrics();
    metrics.runFinished({ job: 'gone', outcome: 'success', durationMs: 1, latenessMs: null });
    metrics.forgetJob('gone');
    const text = metrics.render(snapshot);
    assert.equal(sample(text, 'quickjobs_runs_total', { job: 'gone' }), undefined);
  });
});
