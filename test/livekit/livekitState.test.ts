import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLivekitState, parseLivekitState, type LivekitState } from '../../src/livekit/livekitState.js';
import { VoiceloadError } from '../../src/core/errors.js';
import { sipTargetUri } from '../../src/livekit/sipTargetUri.js';

const STATE: LivekitState = {
  schema: 'voiceload.livekit-state/1',
  livekitUrl: 'https://proj.livekit.cloud',
  createdAt: '2025-01-02T03:04:05.000Z',
  name: 'voiceload',
  numbers: ['+15550100'],
  sipUri: 'sip:+15550100@abc.sip.livekit.cloud',
  trunkIds: ['ST_abc'],
  dispatchRuleIds: ['SDR_def'],
  complete: true,
};

test('livekit state round-trips through format and parse, byte for byte', () => {
  const text = formatLivekitState(STATE);
  assert.deepEqual(parseLivekitState(text, 's.json'), STATE);
  assert.equal(formatLivekitState(parseLivekitState(text, 's.json')), text);
  const partial = { ...STATE, sipUri: null, dispatchRuleIds: [], complete: false };
  assert.deepEqual(parseLivekitState(formatLivekitState(partial), 's.json'), partial);
});

test('a malformed state file is a CONFIG error naming the file and every problem', () => {
  const bad = (text: string, ...parts: RegExp[]): void => {
    assert.throws(
      () => parseLivekitState(text, 'dir/.voiceload-livekit.json'),
      (e: unknown) => {
        assert.ok(e instanceof VoiceloadError);
        assert.equal(e.code, 'CONFIG');
        assert.ok(e.message.startsWith('dir/.voiceload-livekit.json: '), e.message);
        for (const p of parts) assert.match(e.message, p);
        return true;
      },
    );
  };
  bad('{not json', /invalid JSON/);
  bad('[]', /expected a JSON object/);
  bad(JSON.stringify({ ...STATE, schema: 'voiceload.livekit-state/2' }), /schema must be/);
  bad(JSON.stringify({ ...STATE, trunkIds: 'ST_abc', createdAt: 'yesterday', complete: 'yes', sipUri: 3 }), /trunkIds must be a list/, /createdAt "yesterday"/, /complete must be/, /sipUri must be/);
  bad(JSON.stringify({ schema: 'voiceload.livekit-state/1' }), /livekitUrl/, /dispatchRuleIds/);
});

test('sipTargetUri builds sip:<number>@<host>, or a template when the host is unknown', () => {
  assert.equal(sipTargetUri('+15550100', 'abc.sip.livekit.cloud'), 'sip:+15550100@abc.sip.livekit.cloud');
  assert.equal(sipTargetUri('+15550100', undefined), 'sip:+15550100@<your LiveKit SIP host>');
});
