/**
 * One list names what `core` offers (sandbox/core-names.ts). The typings the editor checks job code
 * against, the guest prelude a run sees and the host that answers its calls must agree with it on
 * every helper family, every helper and every result: a name missing from one of them would make
 * `core.x` undefined, or a call unanswered, at run time.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';

import ts from 'typescript';

import { HELPER_FAMILIES, HOST_CALLS, JOB_RESULTS } from '../../../sandbox/core-names.js';
import type { SandboxPool } from '../../../sandbox/pool.js';
import { createHelperHost } from '../../../service/helpers/index.js';
import type { Store } from '../../../service/store/store.js';
import type { RecordedCall } from '../../sandbox/fixtures/counting-host.js';
import { hostPool, type HostPool } from '../../sandbox/host-pool.js';
import { job, request } from '../../sandbox/request.js';
import { context, helperConfig } from './fixtures.js';

const FAMILIES = Object.keys(HELPER_FAMILIES);
const sorted = (names: Iterable<string>): string[] => [...names].sort();

/** The typings as the compiler reads them: the members of each interface of `QuickJobs`. */
function readTypings() {
  const file = fileURLToPath(new URL('../../../sandbox/core-api.d.ts', import.meta.url));
  const program = ts.createProgram([file], { noEmit: true, types: [] });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file)!;
  const declarations = new Map<string, ts.Node>();
  source.forEachChild(function visit(node) {
    if ((ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) && !declarations.has(node.name.text)) {
      declarations.set(node.name.text, node);
    }
    node.forEachChild(visit);
  });
  const typeOf = (name: string) => checker.getTypeAtLocation(declarations.get(name)!);
  const members = (type: ts.Type) => checker.getPropertiesOfType(type).map((symbol) => symbol.name);
  const core = typeOf('Core');
  /** The object a family hands the job: the property's type, or what calling it returns. */
  const family = (name: string): string[] => {
    const type = checker.getTypeOfSymbolAtLocation(core.getProperty(name)!, source);
    const call = type.getCallSignatures()[0];
    return members(call && members(type).length === 0 ? call.getReturnType() : type);
  };
  const literals = (type: ts.Type) => (type.isUnion() ? type.types : [type]).map((t) => (t as ts.StringLiteralType).value);
  const jobType = typeOf('Job');
  const jobConstants = members(jobType).filter((name) => {
    const type = checker.getTypeOfSymbolAtLocation(jobType.getProperty(name)!, source);
    return type.isStringLiteral() && type.value === name;
  });
  return { core: members(core), family, results: literals(typeOf('JobResult')), jobConstants };
}

let world: HostPool;
let pool: SandboxPool;
before(async () => {
  world = await hostPool({ workers: 1 });
  pool = world.pool;
});
after(() => world.close());

/** What the guest shows a job: core's members, each family's members and the job's constants. */
async function readGuest(): Promise<{ core: string[]; families: Record<string, string[]>; jobConstants: string[] }> {
  const script = job(`
    const families = {};
    for (const name of ${JSON.stringify(FAMILIES)}) {
      const family = core[name];
      // A callable family with helpers of its own (core.secret) is its own object; core.data('x') makes one.
      families[name] = Object.keys(typeof family === 'function' && Object.keys(family).length === 0 ? family('source') : family);
    }
    const made = core.job();
    core.log(JSON.stringify({ core: Object.keys(core), families, jobConstants: Object.keys(made).filter((key) => made[key] === key) }));
    return job.OK;`);
  const outcome = await pool.run(request(script));
  assert.equal(outcome.outcome, 'success', JSON.stringify(outcome));
  return JSON.parse(outcome.logs[0]!.message);
}

/**
 * The host call names the guest makes when a job calls every helper the typings list, as the
 * fixture host's `recorder` kept them.
 */
async function callsOfGuest(typed: Record<string, string[]>): Promise<string[]> {
  const script = job(`
    const typed = ${JSON.stringify(typed)};
    for (const [name, methods] of Object.entries(typed)) {
      const family = typeof core[name] === 'function' && Object.keys(core[name]).length === 0 ? core[name]('source') : core[name];
      for (const method of methods) {
        const made = family[method]('arg');
        // A builder (core.email.new()) makes its call when sent.
        if (typeof made.send === 'function') await made.send();
        else await made;
      }
    }
    core.log(JSON.stringify((await core.data('recorded').get('calls'))[0]));
    return job.OK;`);
  const outcome = await pool.run(request(script, { jobName: 'recorder' }));
  assert.equal(outcome.outcome, 'success', JSON.stringify(outcome));
  return (JSON.parse(outcome.logs.at(-1)!.message) as RecordedCall[]).map((call) => call.name);
}

describe('the names of core', () => {
  const typings = readTypings();
  const typedFamilies = Object.fromEntries(FAMILIES.map((name) => [name, typings.family(name)]));

  it('are the same results in the typings, the job object and the list', async () => {
    const guest = await readGuest();
    assert.deepEqual(sorted(typings.results), sorted(JOB_RESULTS));
    assert.deepEqual(sorted(typings.jobConstants), sorted(JOB_RESULTS));
    assert.deepEqual(sorted(guest.jobConstants), sorted(JOB_RESULTS));
  });

  it('are the same helper families and helpers in the typings and the guest', async () => {
    const guest = await readGuest();
    assert.deepEqual(sorted(guest.core), sorted(typings.core));
    assert.deepEqual(sorted(typings.core), sorted(['job', 'uuid', 'log', 'sleep', ...FAMILIES]));
    for (const name of FAMILIES) assert.deepEqual(sorted(guest.families[name]!), sorted(typedFamilies[name]!), `core.${name}`);
  });

  it('reach every host call of the list, and only those, when a job calls every typed helper', async () => {
    assert.deepEqual(sorted(new Set(await callsOfGuest(typedFamilies))), sorted(HOST_CALLS));
  });

  it('each have a host route, and a name off the list has none', async () => {
    const host = createHelperHost(helperConfig({}), { store: {} as Store });
    try {
      for (const name of HOST_CALLS) {
        const [, err] = await host.call(name, [], context());
        assert.doesNotMatch(String(err), /unknown helper/, name);
      }
      const [, err] = await host.call('mysql.nope' as never, [], context());
      assert.match(String(err), /unknown helper "mysql.nope"/);
    } finally {
      await host.close();
    }
  });
});
