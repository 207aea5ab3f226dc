import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildAgentConfig } from '../../src/cli/agentOptions.js';
import { VoiceloadError } from '../../src/core/errors.js';

test('defaults: 127.0.0.1:5060 over UDP with the healthy profile, no truth file, no metrics', () => {
  assert.deepEqual(buildAgentConfig({}), { host: '127.0.0.1', port: 5060, transport: 'udp', profile: 'healthy' });
});

test('listen addresses, IPv6 in brackets, and the other options', () => {
  assert.deepEqual(buildAgentConfig({ listen: '[::1]:5080', transport: 'TCP', profile: 'llm-bound', truth: 't.ndjson', metricsPort: '9464' }), {
    host: '::1',
    port: 5080,
    transport: 'tcp',
    profile: 'llm-bound',
    truthPath: 't.ndjson',
    metricsPort: 9464,
  });
  assert.equal(buildAgentConfig({ listen: '0.0.0.0:0' }).port, 0);
});

test('bad options are all reported', () => {
  assert.throws(
    () => buildAgentConfig({ listen: '5060', transport: 'sctp', metricsPort: 'x' }),
    (e: unknown) => e instanceof VoiceloadError && e.code === 'CLI_USAGE' && e.message.split('\n').length === 3,
  );
});
