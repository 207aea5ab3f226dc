import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildProvisionSpec } from '../../src/livekit/provisionSpec.js';
import { addressFilterProblem } from '../../src/livekit/addressFilter.js';
import { phoneNumberProblem } from '../../src/livekit/phoneNumber.js';
import { VoiceloadError } from '../../src/core/errors.js';

const ENV = { VOICELOAD_LIVEKIT_SIP_PASSWORD: 'digest-pw-1' };

test('buildProvisionSpec applies the defaults and takes the digest password from the environment', () => {
  assert.deepEqual(buildProvisionSpec({ number: ['+15550100'] }, {}), { name: 'voiceload', numbers: ['+15550100'], allowedAddresses: [], roomPrefix: 'vl-' });
  const full = buildProvisionSpec(
    { number: ['+15550100', '15550101'], allowedAddress: ['203.0.113.0/24', '2001:db8::/32', '198.51.100.7'], authUser: 'bob', agentName: 'my-agent', roomPrefix: 'load-', name: 'lt', sipHost: 'abc.sip.livekit.cloud' },
    ENV,
  );
  assert.deepEqual(full, {
    name: 'lt',
    numbers: ['+15550100', '15550101'],
    allowedAddresses: ['203.0.113.0/24', '2001:db8::/32', '198.51.100.7'],
    auth: { username: 'bob', password: 'digest-pw-1' },
    agentName: 'my-agent',
    roomPrefix: 'load-',
    sipHost: 'abc.sip.livekit.cloud',
  });
});

test('buildProvisionSpec lists every problem at once', () => {
  assert.throws(
    () => buildProvisionSpec({ number: ['555-0100', '+1', '+15550100', '+15550100'], allowedAddress: ['10.0.0.0/33', 'example.com'], authUser: 'bob', roomPrefix: 'a b', sipHost: 'sip:+1555@host' }, {}),
    (e: unknown) => {
      assert.ok(e instanceof VoiceloadError);
      assert.equal(e.code, 'CLI_USAGE');
      for (const part of ['"555-0100"', '"+1"', 'given twice: +15550100', '10.0.0.0/33', '"example.com"', 'VOICELOAD_LIVEKIT_SIP_PASSWORD', '--room-prefix', '--sip-host']) {
        assert.ok(e.message.includes(part), `message names ${part}: ${e.message}`);
      }
      assert.match(e.message, /^livekit setup: 8 problems:/);
      return true;
    },
  );
  assert.throws(() => buildProvisionSpec({}, {}), /--number is required/);
});

test('buildProvisionSpec never puts the password in an error', () => {
  assert.throws(
    () => buildProvisionSpec({ number: ['bad'], authUser: 'bob' }, ENV),
    (e: unknown) => e instanceof VoiceloadError && !`${e.message}${e.hint ?? ''}`.includes('digest-pw-1'),
  );
});

test('addressFilterProblem accepts IPs and CIDR blocks of both families', () => {
  for (const ok of ['203.0.113.0/24', '0.0.0.0/0', '198.51.100.7', '2001:db8::/32', '::1', '2001:db8::/128']) assert.equal(addressFilterProblem(ok), undefined, ok);
  for (const bad of ['203.0.113.0/', '203.0.113.0/24/1', '300.1.1.1', '10.0.0.0/33', '2001:db8::/129', 'host.example', '10.0.0.0/x']) assert.ok(addressFilterProblem(bad), bad);
});

test('phoneNumberProblem wants E.164-style digits with an optional +', () => {
  for (const ok of ['+15550100', '15550100', '+442071838750', '100']) assert.equal(phoneNumberProblem(ok), undefined, ok);
  for (const bad of ['', '+', '12', '+1 555 0100', '555-0100', 'alice', '+1234567890123456']) assert.ok(phoneNumberProblem(bad), bad);
});
