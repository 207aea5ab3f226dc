import { test } from 'node:test';
import assert from 'node:assert/strict';
import { teardownLivekit } from '../../src/livekit/teardownLivekit.js';
import { FakeLivekitSipApi } from '../../src/livekit/testing/fakeLivekitSipApi.js';
import type { LivekitState } from '../../src/livekit/livekitState.js';

const state = (trunkIds: string[], dispatchRuleIds: string[]): LivekitState => ({
  schema: 'voiceload.livekit-state/1',
  livekitUrl: 'https://proj.livekit.cloud',
  createdAt: '2025-01-02T03:04:05.000Z',
  name: 'voiceload',
  numbers: ['+15550100'],
  sipUri: null,
  trunkIds,
  dispatchRuleIds,
  complete: true,
});

test('teardownLivekit deletes exactly the recorded IDs, rules first, and tolerates ones already gone', async () => {
  const api = new FakeLivekitSipApi([
    { trunkId: 'ST_prod', name: 'prod', numbers: ['+15550100'] },
    { trunkId: 'ST_mine', name: 'voiceload', numbers: ['+15550100'] },
  ]);
  api.rules.set('SDR_mine', { rule: { type: 'individual', roomPrefix: 'vl-' }, options: {}, roomAgents: [] });
  const outcome = await teardownLivekit(state(['ST_mine', 'ST_gone'], ['SDR_mine']), api);
  assert.deepEqual(outcome.items, [
    { kind: 'dispatch rule', id: 'SDR_mine', outcome: 'deleted' },
    { kind: 'trunk', id: 'ST_mine', outcome: 'deleted' },
    { kind: 'trunk', id: 'ST_gone', outcome: 'not-found' },
  ]);
  assert.equal(outcome.remaining, undefined);
  assert.deepEqual([...api.trunks.keys()], ['ST_prod']);
  assert.ok(api.calls.every((c) => c.method !== 'listInboundTrunks'));
});

test('teardownLivekit keeps the IDs it could not delete and still tries the rest', async () => {
  const api = new FakeLivekitSipApi([{ trunkId: 'ST_mine', name: 'voiceload', numbers: [] }]);
  api.failOn.add('deleteDispatchRule');
  const outcome = await teardownLivekit(state(['ST_mine'], ['SDR_mine']), api);
  assert.deepEqual(
    outcome.items.map((i) => [i.id, i.outcome]),
    [
      ['SDR_mine', 'failed'],
      ['ST_mine', 'deleted'],
    ],
  );
  assert.match(outcome.items[0]?.error ?? '', /fake failure/);
  assert.deepEqual(outcome.remaining?.dispatchRuleIds, ['SDR_mine']);
  assert.deepEqual(outcome.remaining?.trunkIds, []);
});
