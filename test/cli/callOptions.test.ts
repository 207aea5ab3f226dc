import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCallConfig, PASSWORD_ENV } from '../../src/cli/callOptions.js';
import { VoiceloadError } from '../../src/core/errors.js';

const TARGET = 'sip:agent@127.0.0.1:5060';

test('defaults: udp, PCMU then PCMA, greeting expected, 10 s timeouts', () => {
  const c = buildCallConfig(TARGET, {}, {});
  assert.equal(c.transport, 'udp');
  assert.deepEqual(c.codecs, ['PCMU', 'PCMA']);
  assert.equal(c.expectGreeting, true);
  assert.equal(c.greetingTimeoutMs, 10_000);
  assert.equal(c.replyTimeoutMs, 10_000);
  assert.equal(c.auth, undefined);
});

test('options are converted: codec order, headers, durations, tcp', () => {
  const c = buildCallConfig(
    TARGET,
    { transport: 'TCP', codec: 'pcma,pcmu', header: ['X-Lk-Test-Id: abc 1'], greetingTimeout: '2s', replyTimeout: '1500ms', say: ['a.wav', 'b.wav'], t1: '100ms' },
    {},
  );
  assert.equal(c.transport, 'tcp');
  assert.deepEqual(c.codecs, ['PCMA', 'PCMU']);
  assert.deepEqual(c.headers, [{ name: 'X-Lk-Test-Id', value: 'abc 1' }]);
  assert.equal(c.greetingTimeoutMs, 2000);
  assert.equal(c.replyTimeoutMs, 1500);
  assert.deepEqual(c.sayFiles, ['a.wav', 'b.wav']);
  assert.equal(c.timers.t1Ms, 100);
});

test('the password comes from the environment only', () => {
  const c = buildCallConfig(TARGET, { authUser: 'alice' }, { [PASSWORD_ENV]: 's3cret' });
  assert.deepEqual(c.auth, { username: 'alice', password: 's3cret' });
  assert.throws(() => buildCallConfig(TARGET, { authUser: 'alice' }, {}), (e: unknown) => e instanceof VoiceloadError && e.message.includes(PASSWORD_ENV));
});

test('every problem is reported at once', () => {
  try {
    buildCallConfig('http://x', { transport: 'sctp', codec: 'opus', header: ['Via: x', 'bad'], replyTimeout: 'soon' }, {});
    assert.fail('expected an error');
  } catch (e) {
    assert.ok(e instanceof VoiceloadError);
    assert.equal(e.code, 'CLI_USAGE');
    const lines = e.message.split('\n');
    assert.equal(lines.length, 6, e.message);
    for (const needle of ['not a SIP URI', '--transport', '--codec', 'Via', '"bad"', '--reply-timeout']) {
      assert.ok(e.message.includes(needle), `missing ${needle} in ${e.message}`);
    }
  }
});

test('the ;transport= parameter of the target picks the transport unless --transport is given', () => {
  assert.equal(buildCallConfig('sip:agent@127.0.0.1:5060;transport=tcp', {}, {}).transport, 'tcp');
  assert.equal(buildCallConfig('sip:agent@127.0.0.1:5060;transport=TCP;lr', {}, {}).transport, 'tcp');
  assert.equal(buildCallConfig('sip:agent@127.0.0.1:5060;transport=tcp', { transport: 'udp' }, {}).transport, 'udp');
  assert.equal(buildCallConfig('sip:agent@127.0.0.1:5060', {}, {}).transport, 'udp');
});
