import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDispatchRuleRequest, buildInboundTrunkRequest, PROVISION_METADATA } from '../../src/livekit/provisionRequests.js';
import type { ProvisionSpec } from '../../src/livekit/provisionSpec.js';

const SPEC: ProvisionSpec = {
  name: 'voiceload',
  numbers: ['+15550100', '+15550101'],
  allowedAddresses: ['203.0.113.0/24'],
  auth: { username: 'bob', password: 'pw' },
  agentName: 'my-agent',
  roomPrefix: 'vl-',
};

test('buildInboundTrunkRequest: numbers, address filter and digest credentials', () => {
  assert.deepEqual(buildInboundTrunkRequest(SPEC), {
    name: 'voiceload',
    numbers: ['+15550100', '+15550101'],
    options: { metadata: PROVISION_METADATA, allowedAddresses: ['203.0.113.0/24'], authUsername: 'bob', authPassword: 'pw' },
  });
  // No filter and no auth: the options carry neither (the SDK then sends no such fields).
  assert.deepEqual(buildInboundTrunkRequest({ name: 'n', numbers: ['100'], allowedAddresses: [], roomPrefix: 'vl-' }).options, { metadata: PROVISION_METADATA });
});

test('buildDispatchRuleRequest: an individual rule bound to the trunk that dispatches the agent explicitly', () => {
  assert.deepEqual(buildDispatchRuleRequest(SPEC, 'ST_1'), {
    rule: { type: 'individual', roomPrefix: 'vl-' },
    options: { name: 'voiceload', metadata: PROVISION_METADATA, trunkIds: ['ST_1'] },
    roomAgents: [{ agentName: 'my-agent' }],
  });
  const { agentName: _omit, ...noAgent } = SPEC;
  assert.deepEqual(buildDispatchRuleRequest(noAgent, 'ST_1').roomAgents, []);
});
