import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setupLivekit } from '../../src/livekit/setupLivekit.js';
import { FakeLivekitSipApi } from '../../src/livekit/testing/fakeLivekitSipApi.js';
import type { ProvisionSpec } from '../../src/livekit/provisionSpec.js';

const SPEC: ProvisionSpec = { name: 'voiceload', numbers: ['+15550100'], allowedAddresses: [], agentName: 'my-agent', roomPrefix: 'vl-', sipHost: 'abc.sip.livekit.cloud' };
const CONTEXT = { livekitUrl: 'https://proj.livekit.cloud', now: new Date('2025-01-02T03:04:05Z') };

test('setupLivekit creates the trunk, then the rule bound to it, and returns the complete state', async () => {
  const api = new FakeLivekitSipApi([{ trunkId: 'ST_prod', name: 'prod', numbers: ['+15550100'] }, { trunkId: 'ST_other', name: 'x', numbers: ['+4420'] }]);
  const outcome = await setupLivekit(SPEC, api, CONTEXT);
  assert.ok(outcome.ok);
  assert.deepEqual(outcome.state, {
    schema: 'voiceload.livekit-state/1',
    livekitUrl: 'https://proj.livekit.cloud',
    createdAt: '2025-01-02T03:04:05.000Z',
    name: 'voiceload',
    numbers: ['+15550100'],
    sipUri: 'sip:+15550100@abc.sip.livekit.cloud',
    trunkIds: ['ST_fake1'],
    dispatchRuleIds: ['SDR_fake2'],
    complete: true,
  });
  assert.deepEqual(outcome.overlappingTrunks.map((t) => t.trunkId), ['ST_prod']);
  assert.deepEqual(api.calls.map((c) => c.method), ['listInboundTrunks', 'createInboundTrunk', 'createDispatchRule']);
  const rule = api.calls[2];
  assert.ok(rule?.method === 'createDispatchRule');
  assert.deepEqual(rule.request.options.trunkIds, ['ST_fake1']);
});

test('setupLivekit removes the trunk again when the dispatch rule fails', async () => {
  const api = new FakeLivekitSipApi();
  api.failOn.add('createDispatchRule');
  const outcome = await setupLivekit(SPEC, api, CONTEXT);
  assert.ok(!outcome.ok);
  assert.equal(outcome.error.code, 'LIVEKIT_API');
  assert.deepEqual(outcome.rolledBack, ['ST_fake1']);
  assert.equal(outcome.leftover, undefined);
  assert.equal(api.trunks.size, 0);
});

test('setupLivekit hands back the trunk as leftover when removing it fails too', async () => {
  const api = new FakeLivekitSipApi();
  api.failOn.add('createDispatchRule');
  api.failOn.add('deleteTrunk');
  const { sipHost: _host, ...noHost } = SPEC;
  const outcome = await setupLivekit(noHost, api, CONTEXT);
  assert.ok(!outcome.ok);
  assert.deepEqual(outcome.rolledBack, []);
  assert.deepEqual(outcome.leftover?.trunkIds, ['ST_fake1']);
  assert.deepEqual(outcome.leftover?.dispatchRuleIds, []);
  assert.equal(outcome.leftover?.complete, false);
  assert.equal(outcome.leftover?.sipUri, null);
});

test('setupLivekit reports a failed trunk creation with nothing to clean up', async () => {
  const api = new FakeLivekitSipApi();
  api.failOn.add('createInboundTrunk');
  const outcome = await setupLivekit(SPEC, api, CONTEXT);
  assert.ok(!outcome.ok);
  assert.deepEqual(outcome.rolledBack, []);
  assert.equal(outcome.leftover, undefined);
  assert.deepEqual(api.calls.map((c) => c.method), ['listInboundTrunks', 'createInboundTrunk']);
});
