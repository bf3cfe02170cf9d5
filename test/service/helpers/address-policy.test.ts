import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { AddressPolicy } from '../../../service/helpers/address-policy.js';

describe('the network address policy', () => {
  const strict = new AddressPolicy({ hosts: [], cidrs: [] });

  it('refuses loopback, private, link-local, CGNAT, unspecified and metadata addresses', () => {
    for (const address of [
      '127.0.0.1', '127.255.0.9', '10.0.0.1', '172.16.5.4', '172.31.255.255', '192.168.1.1',
      '169.254.169.254', '100.64.0.1', '100.100.100.200', '0.0.0.0', '255.255.255.255', '224.0.0.1',
      '::1', '::', 'fd00:ec2::254', 'fc00::1', 'fe80::1', '::ffff:127.0.0.1', '::ffff:a9fe:a9fe', '64:ff9b::10.0.0.1',
    ]) {
      assert.notEqual(strict.refusal(address), null, address);
    }
  });

  it('lets public addresses through', () => {
    for (const address of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8']) {
      assert.equal(strict.refusal(address), null, address);
    }
  });

  it('names why an address is refused', () => {
    assert.equal(strict.refusal('127.0.0.1'), 'loopback');
    assert.equal(strict.refusal('192.168.0.1'), 'private');
  });

  it('exempts allowed CIDRs and hosts', () => {
    const policy = new AddressPolicy({
      hosts: ['intranet.example'],
      cidrs: [{ network: '127.0.0.0', prefix: 8, family: 'ipv4' }],
    });
    assert.equal(policy.refusal('127.0.0.1'), null);
    assert.equal(policy.refusal('::ffff:127.0.0.1'), null);
    assert.notEqual(policy.refusal('10.0.0.1'), null);
    assert.equal(policy.allowsHost('Intranet.Example.'), true);
    assert.equal(policy.allowsHost('localhost'), false);
  });
});
