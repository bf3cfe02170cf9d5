/**
 * Job parameters as pure functions: the placeholders resolved at an instant in a zone (across both
 * DST changes of a zone that has them), the checks at the edge naming the field, secret references
 * shown as `***` and resolved last.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FieldError } from '../../../service/jobs/job-input.js';
import { resolveDates } from '../../../service/jobs/param-dates.js';
import { MAX_PARAMS_BYTES, MissingSecretError, parseParams, resolveParamDates, resolveParamSecrets, shownParams } from '../../../service/jobs/params.js';

const BERLIN = 'Europe/Berlin';
/** 00:30 on the day after Berlin sprang forward (2026-03-29, 02:00 → 03:00), as UTC. */
const AFTER_SPRING = Date.UTC(2026, 2, 29, 22, 30, 15);
/** 23:30 on the day Berlin fell back (2026-10-25, 03:00 → 02:00), as UTC. */
const FALL_DAY_LATE = Date.UTC(2026, 9, 25, 22, 30, 0);

describe('date placeholders', () => {
  it('formats the date and time in the zone', () => {
    assert.equal(resolveDates('{{date}}', AFTER_SPRING, BERLIN), '2026-03-30');
    assert.equal(resolveDates('{{date}}', AFTER_SPRING, 'UTC'), '2026-03-29');
    assert.equal(resolveDates('at {{date:YYYY/MM/DD HH:mm:ss}}!', AFTER_SPRING, BERLIN), 'at 2026/03/30 00:30:15!');
    assert.equal(resolveDates('{{now}}', AFTER_SPRING, BERLIN), new Date(AFTER_SPRING).toISOString());
  });

  it('takes yesterday as the calendar day before across a spring-forward, not 24 hours before', () => {
    // 24 hours earlier is 23:30 on the 28th in Berlin: a day too far back.
    assert.equal(resolveDates('{{date-1d:YYYY-MM-DD}}', AFTER_SPRING, BERLIN), '2026-03-29');
    assert.equal(resolveDates('{{date-1d:YYYY-MM-DD HH:mm}}', AFTER_SPRING, BERLIN), '2026-03-29 00:30');
    assert.equal(resolveDates('{{now-1d}}', AFTER_SPRING, BERLIN), '2026-03-28T23:30:15.000Z');
  });

  it('takes yesterday as the calendar day before across a fall-back, where a day has 25 hours', () => {
    assert.equal(resolveDates('{{date}}', FALL_DAY_LATE, BERLIN), '2026-10-25');
    assert.equal(resolveDates('{{date-1d}}', FALL_DAY_LATE, BERLIN), '2026-10-24');
    assert.equal(resolveDates('{{date+1w:YYYY-MM-DD}}', FALL_DAY_LATE, BERLIN), '2026-11-01');
  });

  it('moves minutes and hours as elapsed time', () => {
    assert.equal(resolveDates('{{now+2h}}', AFTER_SPRING, BERLIN), new Date(AFTER_SPRING + 7_200_000).toISOString());
    assert.equal(resolveDates('{{date-90m:HH:mm}}', AFTER_SPRING, BERLIN), '23:00');
  });

  it('refuses what it does not know', () => {
    for (const text of ['{{today}}', '{{date+1y}}', '{{now:YYYY}}', '{{ }}']) assert.throws(() => resolveDates(text, AFTER_SPRING, BERLIN), /unknown placeholder/);
  });
});

describe('params at the edge', () => {
  const field = (value: unknown): string => {
    try {
      parseParams(value);
    } catch (error) {
      assert.ok(error instanceof FieldError);
      return error.field;
    }
    assert.fail('accepted');
  };

  it('names the field that is wrong', () => {
    assert.equal(field([1]), 'params');
    assert.equal(field('x'), 'params');
    assert.equal(field({ big: 'x'.repeat(MAX_PARAMS_BYTES) }), 'params');
    assert.equal(field({ url: 'https://x/{{yesterday}}' }), 'params.url');
    assert.equal(field({ list: ['ok', '{{date:YYYY}}', '{{nope}}'] }), 'params.list.2');
    assert.equal(field({ auth: { token: { $secret: 'bad name!' } } }), 'params.auth.token');
    assert.equal(field({ auth: { $secret: 'x', other: 1 } }), 'params.auth');
  });

  it('answers the secrets referred to, by field', () => {
    const { secrets } = parseParams({ a: { $secret: 'api-key' }, b: [{ $secret: 'other' }], c: '{{date-1d}}' });
    assert.deepEqual(secrets, [
      { field: 'params.a', name: 'api-key' },
      { field: 'params.b.0', name: 'other' },
    ]);
  });
});

describe('resolving and showing', () => {
  const params = { day: '{{date-1d}}', n: 3, key: { $secret: 'api-key' }, nested: [{ at: '{{date:HH}}' }] };

  it('resolves dates and keeps secret references as written', () => {
    assert.deepEqual(resolveParamDates(params, AFTER_SPRING, BERLIN), { day: '2026-03-29', n: 3, key: { $secret: 'api-key' }, nested: [{ at: '00' }] });
  });

  it('shows secret references as ***', () => {
    assert.deepEqual(shownParams(params), { ...params, key: '***' });
  });

  it('resolves secrets last, and names the field and the secret that is missing', async () => {
    const values: Record<string, string> = { 'api-key': 'sk_live_value' };
    const lookup = async (name: string) => values[name] ?? null;
    assert.deepEqual(await resolveParamSecrets(params, lookup), { ...params, key: 'sk_live_value' });
    await assert.rejects(resolveParamSecrets({ deep: { x: { $secret: 'gone' } } }, lookup), (error: unknown) => {
      assert.ok(error instanceof MissingSecretError);
      assert.equal(error.field, 'params.deep.x');
      assert.match(error.message, /secret "gone", which does not exist/);
      return true;
    });
  });
});
