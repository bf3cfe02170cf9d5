/**
 * Three real node processes on one MariaDB database, one of them through a TCP proxy the test
 * controls: slots run exactly once while nodes are killed, stopped, restarted and cut off; jobs
 * are spread evenly; a change made through one node reaches the others.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import mysql from 'mysql2/promise';

import { createTestDatabase, type TestDatabase } from '../../helpers/mysql-database.js';
import { gate, probeMysql } from '../../helpers/require-service.js';
import { startService, waitFor, type ServiceHandle } from '../../helpers/service.js';
import { startProxy, type TcpProxy } from '../../helpers/tcp-proxy.js';

const skip = await gate('mysql', probeMysql);

const QUICK = Array.from({ length: 24 }, (_, i) => `tick-${String(i).padStart(2, '0')}`);
const SLOW = ['slow-0', 'slow-1', 'slow-2', 'slow-3', 'slow-4', 'slow-5'];
const QUICK_CODE = 'const job = core.job();\njob.run = async () => job.OK;\nreturn job;\n';
const SLOW_CODE = 'const job = core.job();\njob.run = async () => { await core.sleep(2.5); return job.OK; };\nreturn job;\n';

interface RunRow {
  id: number;
  job: string;
  scheduled_at: number | null;
  queued_at: number;
  outcome: string;
  node: string | null;
  code_version: number | null;
  trigger: string;
}

describe('three nodes on one MySQL store', { skip, timeout: 120_000 }, () => {
  let database: TestDatabase;
  let db: mysql.Connection;
  let proxy: TcpProxy;
  const nodes = new Map<string, ServiceHandle>();

  const start = (id: string, port?: number) =>
    startService({ env: { QUICKJOBS_STORE: database.url(port), QUICKJOBS_NODE_ID: id, QUICKJOBS_WORKERS: '2', QUICKJOBS_SHUTDOWN_TIMEOUT: '10' } });
  const runs = async (where = '1 = 1', params: unknown[] = []) =>
    (await db.query(`SELECT id, job, scheduled_at, queued_at, outcome, node, code_version, \`trigger\` FROM quickjobs_runs WHERE ${where} ORDER BY id`, params))[0] as RunRow[];
  const node = (id: string) => nodes.get(id)!;

  before(async () => {
    database = await createTestDatabase();
    db = await mysql.createConnection({ uri: database.url(), supportBigNumbers: true });
    proxy = await startProxy(3306);
    // One after another: three processes loading their sandboxes at once crowd a small machine.
    nodes.set('a', await start('a'));
    nodes.set('b', await start('b'));
    nodes.set('c', await start('c', proxy.port));
  });
  after(async () => {
    for (const handle of nodes.values()) {
      await handle.kill();
      await handle.cleanup();
    }
    await proxy?.close();
    await db?.end();
    await database?.drop();
  });

  it('spreads 1-second jobs evenly over the three nodes', async () => {
    await waitFor(async () => (await node('a').api('/status')).body.nodes?.filter((n: { alive: boolean }) => n.alive).length === 3, 10_000, 'three live nodes');
    for (const name of QUICK) assert.equal((await node('a').api('/jobs', { method: 'POST', body: { name, interval: 1, code: QUICK_CODE } })).status, 201);
    for (const name of SLOW) assert.equal((await node('b').api('/jobs', { method: 'POST', body: { name, interval: 1, code: SLOW_CODE } })).status, 201);
    assert.equal((await node('c').api('/jobs', { method: 'POST', body: { name: 'once', interval: 1, runOnce: true, code: QUICK_CODE } })).status, 201);
    // Each node reports the jobs it owns: an even share each, within ±15 %.
    const shares = await waitFor(async () => {
      const listed: Array<{ id: string; alive: boolean; jobs: number }> = (await node('a').api('/status')).body.nodes;
      const total = listed.reduce((sum, n) => sum + n.jobs, 0);
      return total === QUICK.length + SLOW.length + 1 ? listed : null;
    }, 5_000, 'every job owned by one node');
    const even = (QUICK.length + SLOW.length + 1) / 3;
    for (const share of shares) assert.ok(Math.abs(share.jobs - even) <= even * 0.15, `node ${share.id} owns ${share.jobs} jobs`);
    // And each runs its share: a 3 s window of runs holds runs of every node, each job on one node.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const from = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const window = await runs("job LIKE 'tick-%' AND queued_at BETWEEN ? AND ?", [from, Date.now()]);
    assert.deepEqual([...new Set(window.map((run) => run.node))].sort(), ['a', 'b', 'c']);
    for (const name of QUICK) assert.ok(new Set(window.filter((run) => run.job === name).map((run) => run.node)).size <= 1, `${name} ran on one node`);
  });

  it('answers 409 for a manual run of a job running on another node', async () => {
    const running = await waitFor(async () => (await runs("job LIKE 'slow-%' AND outcome = 'running'"))[0], 5_000, 'a slow run');
    const other = ['a', 'b', 'c'].find((id) => id !== running.node)!;
    const answer = await node(other).api(`/jobs/${running.job}/run`, { method: 'POST', body: {} });
    assert.equal(answer.status, 409);
    assert.equal(answer.body.error.code, 'already_running');
  });

  it('uses code saved through one node in the next run on another', async () => {
    const [recent] = await runs("job = 'tick-00' ORDER BY id DESC LIMIT 1 -- ");
    const owner = recent!.node!;
    const editor = ['a', 'b', 'c'].find((id) => id !== owner)!;
    const saved = await node(editor).api('/jobs/tick-00/code', { method: 'PUT', body: { code: QUICK_CODE.replace('job.OK', '(core.log("v2"), job.OK)') } });
    assert.equal(saved.status, 200);
    const savedAt = Date.now();
    const next = await waitFor(async () => (await runs('job = ? AND code_version = 2', ['tick-00']))[0], 3_000, 'a run of version 2');
    assert.ok(next.queued_at - savedAt <= 2_000);
  });

  it('re-arms a stopped job on its node when another node reloads', async () => {
    const code = 'const job = core.job();\njob.run = async () => job.STOP;\nreturn job;\n';
    assert.equal((await node('a').api('/jobs', { method: 'POST', body: { name: 'stopper', interval: 1, code } })).status, 201);
    await waitFor(async () => (await node('a').api('/jobs/stopper')).body.status === 'stop', 5_000, 'stopper stopped');
    const before = (await runs("job = 'stopper'")).length;
    const reloader = (await runs("job = 'stopper'"))[0]!.node === 'b' ? 'a' : 'b';
    assert.equal((await node(reloader).api('/reload', { method: 'POST', body: {} })).status, 200);
    await waitFor(async () => (await runs("job = 'stopper'")).length > before, 4_000, 'stopper to run again after the reload');
  });

  it('takes a killed node\'s jobs over within 5 s and records its in-flight run interrupted', async () => {
    // A slow run that started a moment ago is surely still in flight when the kill lands.
    const inFlight = await waitFor(
      async () => (await runs("job LIKE 'slow-%' AND outcome = 'running' AND node IN ('a', 'b') AND queued_at > ?", [Date.now() - 500]))[0],
      5_000,
      'a fresh slow run on a or b',
    );
    const victim = inFlight.node!;
    await node(victim).kill();
    const killedAt = Date.now();
    const owned = [...new Set((await runs('node = ? AND queued_at > ?', [victim, killedAt - 3_000])).map((run) => run.job))];
    await waitFor(async () => (await runs('id = ?', [inFlight.id]))[0]!.outcome === 'interrupted', 9_000, 'the killed run interrupted');
    const resumed = await waitFor(async () => {
      const later = await runs('node <> ? AND queued_at > ?', [victim, killedAt]);
      const jobs = new Set(later.map((run) => run.job));
      return owned.every((job) => jobs.has(job)) ? later : null;
    }, 10_000, 'every job of the killed node running elsewhere');
    for (const job of owned) {
      const first = resumed.filter((run) => run.job === job)[0]!;
      assert.ok(first.queued_at - killedAt <= 7_000, `${job} resumed ${first.queued_at - killedAt} ms after the kill`);
    }
    nodes.set(victim, await start(victim));
  });

  it('lets a node stop gracefully mid-run and come back without running Run Once jobs again', async () => {
    const onceRuns = (await runs("job = 'once'")).length;
    assert.equal(onceRuns, 1);
    const inFlight = await waitFor(async () => (await runs("job LIKE 'slow-%' AND outcome = 'running' AND node IN ('a', 'b')"))[0], 5_000, 'a slow run on a or b');
    const id = inFlight.node!;
    assert.equal(await node(id).stop(), 0);
    assert.equal((await runs('id = ?', [inFlight.id]))[0]!.outcome, 'success');
    nodes.set(id, await start(id));
    await waitFor(async () => (await runs('node = ? AND queued_at > ?', [id, Date.now() - 500])).length > 0, 8_000, 'the restarted node running again');
    assert.equal((await runs("job = 'once'")).length, 1);
  });

  it('starts nothing on a node cut off from the database, and lets it rejoin', async () => {
    proxy.cut();
    const cutAt = Date.now();
    await waitFor(async () => (await fetch(`${node('c').baseUrl}/healthz`)).status === 503, 8_000, 'c to say 503');
    // Past the 5 s after which the others take its jobs over; it must not have started any meanwhile.
    await waitFor(async () => (await runs("node <> 'c' AND queued_at > ?", [cutAt + 5_000])).length > 0, 10_000, 'the others running past the cut');
    proxy.restore();
    const restoredAt = Date.now();
    await waitFor(async () => (await fetch(`${node('c').baseUrl}/healthz`)).status === 200, 10_000, 'c healthy again');
    await waitFor(async () => (await runs("node = 'c' AND queued_at > ?", [Date.now() - 1_000])).length > 0, 8_000, 'c running again');
    // Nothing it claimed while cut off turned up late: it started nothing in that time.
    assert.deepEqual(await runs("node = 'c' AND queued_at BETWEEN ? AND ?", [cutAt + 1_000, restoredAt]), []);
  });

  it('never ran one slot twice, nor two runs of a 1-second job less than a second apart', async () => {
    const all = await runs("scheduled_at IS NOT NULL AND job LIKE 'tick-%'");
    const byJob = new Map<string, number[]>();
    for (const run of all) byJob.set(run.job, [...(byJob.get(run.job) ?? []), Number(run.scheduled_at)]);
    for (const [job, slots] of byJob) {
      slots.sort((x, y) => x - y);
      for (let i = 1; i < slots.length; i++) assert.ok(slots[i]! - slots[i - 1]! >= 1_000, `${job}: slots ${slots[i - 1]} and ${slots[i]}`);
    }
    assert.ok(all.length > 300, `only ${all.length} runs`);
  });
});
