/** What the masker hides, and what it leaves, for a set of values. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { Masker } from '../../../service/secrets/masker.js';

const VALUE = 'p@ss word/42"x';

describe('the masker', () => {
  const mask = new Masker([VALUE, 'second-secret']);

  it('hides the value, and every encoding it documents', () => {
    const forms = [
      VALUE,
      JSON.stringify(VALUE).slice(1, -1),
      Buffer.from(VALUE).toString('base64'),
      Buffer.from(VALUE).toString('base64').replace(/=+$/, ''),
      Buffer.from(VALUE).toString('base64url'),
      encodeURIComponent(VALUE),
      encodeURIComponent(VALUE).replace(/%20/g, '+'),
      Buffer.from(VALUE).toString('hex'),
      Buffer.from(VALUE).toString('hex').toUpperCase(),
      [...VALUE].reverse().join(''),
      [...VALUE].join(' '),
      JSON.stringify([...VALUE]),
      [...VALUE].join('-'),
    ];
    for (const form of forms) {
      const masked = mask.text(`before ${form} after`);
      // A split form may keep its outer brackets and quotes; none of the value's own text is left.
      assert.match(masked, /^before \W{0,2}\*\*\*\W{0,2} after$/, `${form} → ${masked}`);
    }
  });

  it('hides every value of the set, inside JSON objects too, keys included', () => {
    assert.deepEqual(mask.value({ list: ['second-secret'], [VALUE]: 1, n: 2 }), { list: ['***'], '***': 1, n: 2 });
  });

  it('leaves text without a value alone, and masks nothing with no values', () => {
    assert.equal(mask.text('nothing to see here'), 'nothing to see here');
    const none = new Masker([]);
    assert.equal(none.empty, true);
    assert.equal(none.text(VALUE), VALUE);
  });

  it('cannot see a value encoded inside a larger encoding (documented)', () => {
    const wrapped = Buffer.from(`user:${VALUE}`).toString('base64');
    assert.equal(mask.text(wrapped), wrapped);
  });
});
