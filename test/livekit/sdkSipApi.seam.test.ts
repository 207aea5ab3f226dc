/**
 * Seam test of the SDK adapter in-process: livekit-server-sdk against a local stand-in of
 * LiveKit's SIP Twirp API (not a LiveKit server). Checks the mapping of HTTP answers to outcomes
 * and that secrets echoed by a server never reach an error message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createSdkSipApi } from '../../src/livekit/sdkSipApi.js';
import { readLivekitCredentials } from '../../src/livekit/livekitCredentials.js';
import { VoiceloadError } from '../../src/core/errors.js';
import { startLivekitStandIn } from '../interop/helpers/livekitTwirpStandIn.js';

const SECRET = 'sdk-seam-secret-0123456789abcdef';
const PASSWORD = 'sdk-seam-digest-pw';
const credentials = (url: string) => readLivekitCredentials({ LIVEKIT_URL: url, LIVEKIT_API_KEY: 'APIsdkseam', LIVEKIT_API_SECRET: SECRET });
const trunkRequest = { name: 'voiceload', numbers: ['+15550100'], options: { authUsername: 'u', authPassword: PASSWORD } };

test('seam: the SDK adapter maps 404 on delete to not-found, and 401/500 to LIVEKIT_API errors without secrets', async () => {
  const standIn = await startLivekitStandIn([{ sipTrunkId: 'ST_x', name: 'x', numbers: [] }]);
  try {
    const api = await createSdkSipApi(credentials(standIn.url), { secrets: [PASSWORD], requestTimeoutS: 5 });
    assert.deepEqual(await api.listInboundTrunks(['+15550100']), [{ trunkId: 'ST_x', name: 'x', numbers: [] }]);
    assert.equal(await api.deleteTrunk('ST_x'), 'deleted');
    assert.equal(await api.deleteTrunk('ST_x'), 'not-found');
    assert.equal(await api.deleteDispatchRule('SDR_never'), 'not-found');

    standIn.failMethods.add('CreateSIPInboundTrunk');
    standIn.failMessage = `bad trunk: password ${PASSWORD} rejected for secret ${SECRET}`;
    for (const status of [500, 401]) {
      standIn.failStatus = status;
      await assert.rejects(api.createInboundTrunk(trunkRequest), (e: unknown) => {
        assert.ok(e instanceof VoiceloadError);
        assert.equal(e.code, 'LIVEKIT_API');
        assert.match(e.message, new RegExp(`HTTP ${status}`));
        assert.match(e.message, /password \[redacted\] rejected for secret \[redacted\]/);
        assert.ok(!`${e.message}${e.hint ?? ''}`.includes(PASSWORD) && !`${e.message}${e.hint ?? ''}`.includes(SECRET));
        if (status === 401) assert.match(e.hint ?? '', /LIVEKIT_API_KEY and LIVEKIT_API_SECRET/);
        return true;
      });
    }
  } finally {
    await standIn.close();
  }
});

test('seam: an unreachable LIVEKIT_URL is a LIVEKIT_API error that names the URL', async () => {
  // A port that was free a moment ago: nothing listens there.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const api = await createSdkSipApi(credentials(`ws://127.0.0.1:${port}`), { requestTimeoutS: 5 });
  await assert.rejects(api.listInboundTrunks(['+15550100']), (e: unknown) => {
    assert.ok(e instanceof VoiceloadError);
    assert.equal(e.code, 'LIVEKIT_API');
    assert.match(e.hint ?? '', new RegExp(`http://127\\.0\\.0\\.1:${port}`));
    return true;
  });
});
