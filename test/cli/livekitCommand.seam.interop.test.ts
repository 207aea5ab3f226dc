/**
 * Seam test of `voiceload livekit setup|teardown`: the real CLI and the real livekit-server-sdk
 * against a local stand-in of LiveKit's SIP Twirp API on 127.0.0.1 (test/interop/helpers/
 * livekitTwirpStandIn.ts). It checks what the SDK sends and how voiceload handles the answers; it
 * is not a LiveKit server, so LiveKit's own behaviour (validation, routing calls) is not tested.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../interop/helpers/runCli.js';
import { startLivekitStandIn, type LivekitStandIn, type RecordedRequest } from '../interop/helpers/livekitTwirpStandIn.js';

const API_KEY = 'APIseamKey42';
const API_SECRET = 'seam-secret-7f3c1a9e5b2d4c6e8a0f';
const SIP_PASSWORD = 'digest-pw-c0ffee-91';
const PRE_EXISTING = [
  { sipTrunkId: 'ST_production', name: 'prod', numbers: ['+15550100'] },
  { sipTrunkId: 'ST_wildcard', name: 'catch-all', numbers: [] },
];

function envFor(standIn: LivekitStandIn): Record<string, string> {
  // ws:// as users write it: the SDK maps it to http://.
  return { LIVEKIT_URL: standIn.url.replace(/^http/, 'ws'), LIVEKIT_API_KEY: API_KEY, LIVEKIT_API_SECRET: API_SECRET, VOICELOAD_LIVEKIT_SIP_PASSWORD: SIP_PASSWORD };
}

function tempState(): { dir: string; state: string } {
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-lk-'));
  return { dir, state: join(dir, 'lk-state.json') };
}

/** Verifies an HS256 JWT with the test secret (independently of the SDK) and returns its claims. */
function verifyBearer(authorization: string | undefined): Record<string, unknown> {
  assert.ok(authorization !== undefined && authorization.startsWith('Bearer '), 'Authorization: Bearer <jwt>');
  const [header, payload, signature] = authorization.slice('Bearer '.length).split('.');
  assert.ok(header !== undefined && payload !== undefined && signature !== undefined);
  assert.equal(JSON.parse(Buffer.from(header, 'base64url').toString()).alg, 'HS256');
  const expected = createHmac('sha256', API_SECRET).update(`${header}.${payload}`).digest();
  const actual = Buffer.from(signature, 'base64url');
  assert.ok(actual.length === expected.length && timingSafeEqual(actual, expected), 'signed with LIVEKIT_API_SECRET');
  return JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
}

const methods = (requests: RecordedRequest[]): string[] => requests.map((r) => r.method);
const deletes = (requests: RecordedRequest[]): string[] =>
  requests.filter((r) => r.method.startsWith('Delete')).map((r) => String(r.body.sipTrunkId ?? r.body.sipDispatchRuleId));

test('seam: livekit setup then teardown against a local stand-in of the SIP Twirp API', async () => {
  const standIn = await startLivekitStandIn(PRE_EXISTING);
  const { dir, state } = tempState();
  try {
    const setup = await runCli(
      ['livekit', 'setup', '--number', '+15550100', '--number', '+15550101', '--allowed-address', '203.0.113.0/24', '--auth-user', 'loadtest', '--agent-name', 'my-agent', '--room-prefix', 'vl-', '--sip-host', 'abc123.sip.livekit.cloud', '--state', state],
      { env: envFor(standIn) },
    );
    assert.equal(setup.code, 0, setup.stderr);
    assert.deepEqual(methods(standIn.requests), ['ListSIPInboundTrunk', 'CreateSIPInboundTrunk', 'CreateSIPDispatchRule']);
    const [list, trunk, rule] = standIn.requests;
    assert.deepEqual(list?.body, { numbers: ['+15550100', '+15550101'] });
    assert.deepEqual(trunk?.body, {
      trunk: {
        name: 'voiceload',
        metadata: 'created by voiceload livekit setup',
        numbers: ['+15550100', '+15550101'],
        allowedAddresses: ['203.0.113.0/24'],
        authUsername: 'loadtest',
        authPassword: SIP_PASSWORD,
      },
    });
    assert.deepEqual(rule?.body, {
      rule: { dispatchRuleIndividual: { roomPrefix: 'vl-' } },
      trunkIds: ['ST_standin1'],
      name: 'voiceload',
      metadata: 'created by voiceload livekit setup',
      roomConfig: { agents: [{ agentName: 'my-agent' }] },
    });
    for (const r of standIn.requests) {
      const claims = verifyBearer(r.authorization);
      assert.equal(claims.iss, API_KEY);
      assert.deepEqual(claims.sip, { admin: true });
      assert.ok(typeof claims.exp === 'number' && claims.exp * 1000 > Date.now());
    }

    assert.match(setup.stdout, /SIP URI: +sip:\+15550100@abc123\.sip\.livekit\.cloud/);
    assert.match(setup.stdout, /ST_standin1/);
    assert.match(setup.stdout, /SDR_standin2/);
    assert.match(setup.stderr, /existing trunk ST_production .*leaves it alone/);
    const stateText = readFileSync(state, 'utf8');
    const recorded = JSON.parse(stateText) as Record<string, unknown>;
    assert.equal(recorded.schema, 'voiceload.livekit-state/1');
    assert.equal(recorded.livekitUrl, standIn.url);
    assert.deepEqual(recorded.trunkIds, ['ST_standin1']);
    assert.deepEqual(recorded.dispatchRuleIds, ['SDR_standin2']);
    assert.equal(recorded.sipUri, 'sip:+15550100@abc123.sip.livekit.cloud');
    assert.equal(recorded.complete, true);
    // Secrets: the password went to LiveKit (above) and nowhere else; the key and secret nowhere.
    for (const secret of [API_SECRET, SIP_PASSWORD, API_KEY]) {
      for (const [where, text] of [['state file', stateText], ['stdout', setup.stdout], ['stderr', setup.stderr]]) {
        assert.ok(!text?.includes(secret), `${where} must not contain a secret`);
      }
    }

    // A second setup on the same state file is refused before any request.
    const before = standIn.requests.length;
    const again = await runCli(['livekit', 'setup', '--number', '+15550100', '--state', state], { env: envFor(standIn) });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /lk-state\.json already records a setup \(trunk ST_standin1, dispatch rule SDR_standin2\)/);
    assert.equal(standIn.requests.length, before);

    standIn.requests.length = 0;
    const teardown = await runCli(['livekit', 'teardown', '--state', state], { env: envFor(standIn) });
    assert.equal(teardown.code, 0, teardown.stderr);
    assert.deepEqual(methods(standIn.requests), ['DeleteSIPDispatchRule', 'DeleteSIPTrunk']);
    assert.deepEqual(deletes(standIn.requests), ['SDR_standin2', 'ST_standin1']);
    for (const r of standIn.requests) assert.equal(verifyBearer(r.authorization).iss, API_KEY);
    assert.deepEqual([...standIn.trunks.keys()], ['ST_production', 'ST_wildcard'], 'pre-existing trunks untouched');
    assert.equal(existsSync(state), false, 'state file removed once everything is gone');
    assert.match(teardown.stdout, /deleted dispatch rule SDR_standin2\ndeleted trunk ST_standin1\nremoved /);
    for (const secret of [API_SECRET, SIP_PASSWORD, API_KEY]) assert.ok(!(teardown.stdout + teardown.stderr).includes(secret));

    // Nothing recorded any more: teardown is a no-op.
    standIn.requests.length = 0;
    const idle = await runCli(['livekit', 'teardown', '--state', state], { env: envFor(standIn) });
    assert.equal(idle.code, 0);
    assert.match(idle.stderr, /nothing to tear down/);
    assert.equal(standIn.requests.length, 0);
  } finally {
    await standIn.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('seam: teardown tolerates IDs already deleted (404) and deletes only recorded ones', async () => {
  const standIn = await startLivekitStandIn([...PRE_EXISTING, { sipTrunkId: 'ST_recorded', name: 'voiceload', numbers: ['+15550199'] }]);
  const { dir, state } = tempState();
  try {
    writeFileSync(
      state,
      JSON.stringify({
        schema: 'voiceload.livekit-state/1',
        livekitUrl: standIn.url,
        createdAt: '2025-01-02T03:04:05.000Z',
        name: 'voiceload',
        numbers: ['+15550199'],
        sipUri: null,
        trunkIds: ['ST_recorded', 'ST_removed_by_hand'],
        dispatchRuleIds: ['SDR_removed_by_hand'],
        complete: true,
      }),
    );
    const teardown = await runCli(['livekit', 'teardown', '--state', state], { env: envFor(standIn) });
    assert.equal(teardown.code, 0, teardown.stderr);
    assert.deepEqual(deletes(standIn.requests), ['SDR_removed_by_hand', 'ST_recorded', 'ST_removed_by_hand']);
    assert.match(teardown.stdout, /dispatch rule SDR_removed_by_hand was already gone/);
    assert.match(teardown.stdout, /deleted trunk ST_recorded/);
    assert.match(teardown.stdout, /trunk ST_removed_by_hand was already gone/);
    assert.deepEqual([...standIn.trunks.keys()], ['ST_production', 'ST_wildcard']);
    assert.equal(existsSync(state), false);
  } finally {
    await standIn.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('seam: a failed dispatch rule rolls the trunk back; when that fails too the trunk is recorded for teardown', async () => {
  const standIn = await startLivekitStandIn(PRE_EXISTING);
  const { dir, state } = tempState();
  try {
    standIn.failMethods.add('CreateSIPDispatchRule');
    const rolledBack = await runCli(['livekit', 'setup', '--number', '+15550100', '--agent-name', 'my-agent', '--state', state], { env: envFor(standIn) });
    assert.equal(rolledBack.code, 1);
    assert.match(rolledBack.stderr, /LiveKit create dispatch rule failed: HTTP 500 internal/);
    assert.match(rolledBack.stderr, /removed ST_standin1 again/);
    assert.deepEqual(deletes(standIn.requests), ['ST_standin1']);
    assert.deepEqual([...standIn.trunks.keys()], ['ST_production', 'ST_wildcard']);
    assert.equal(existsSync(state), false);

    standIn.requests.length = 0;
    standIn.failMethods.add('DeleteSIPTrunk');
    const leftover = await runCli(['livekit', 'setup', '--number', '+15550100', '--state', state], { env: envFor(standIn) });
    assert.equal(leftover.code, 1);
    assert.match(leftover.stderr, /trunk ST_standin2 was created but could not be removed; recorded in .*lk-state\.json/);
    const recorded = JSON.parse(readFileSync(state, 'utf8')) as Record<string, unknown>;
    assert.deepEqual([recorded.trunkIds, recorded.dispatchRuleIds, recorded.complete], [['ST_standin2'], [], false]);

    standIn.failMethods.clear();
    standIn.requests.length = 0;
    const teardown = await runCli(['livekit', 'teardown', '--state', state], { env: envFor(standIn) });
    assert.equal(teardown.code, 0, teardown.stderr);
    assert.deepEqual(deletes(standIn.requests), ['ST_standin2']);
    assert.deepEqual([...standIn.trunks.keys()], ['ST_production', 'ST_wildcard']);
    assert.equal(existsSync(state), false);
  } finally {
    await standIn.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('seam: missing credentials, bad options and a state file for another project fail with exit 2 before any request', async () => {
  const standIn = await startLivekitStandIn(PRE_EXISTING);
  const { dir, state } = tempState();
  try {
    const noEnv = await runCli(['livekit', 'setup', '--number', '+15550100', '--state', state], {
      env: { LIVEKIT_URL: '', LIVEKIT_API_KEY: API_KEY, LIVEKIT_API_SECRET: '' },
    });
    assert.equal(noEnv.code, 2);
    assert.match(noEnv.stderr, /LIVEKIT_URL is not set; LIVEKIT_API_SECRET is not set/);

    const badOptions = await runCli(['livekit', 'setup', '--number', '555-0100', '--allowed-address', '10.0.0.0/40', '--auth-user', 'u', '--state', state], {
      env: { ...envFor(standIn), VOICELOAD_LIVEKIT_SIP_PASSWORD: '' },
    });
    assert.equal(badOptions.code, 2);
    assert.match(badOptions.stderr, /3 problems/);

    writeFileSync(
      state,
      JSON.stringify({ schema: 'voiceload.livekit-state/1', livekitUrl: 'https://other.livekit.cloud', createdAt: '2025-01-02T03:04:05Z', name: 'voiceload', numbers: ['1555'], sipUri: null, trunkIds: ['ST_elsewhere'], dispatchRuleIds: [], complete: true }),
    );
    const otherProject = await runCli(['livekit', 'teardown', '--state', state], { env: envFor(standIn) });
    assert.equal(otherProject.code, 2);
    assert.match(otherProject.stderr, /was written for https:\/\/other\.livekit\.cloud, but LIVEKIT_URL points to http:\/\/127\.0\.0\.1/);

    writeFileSync(state, '{"schema": "something else"}');
    const malformed = await runCli(['livekit', 'teardown', '--state', state], { env: envFor(standIn) });
    assert.equal(malformed.code, 2);
    assert.match(malformed.stderr, /lk-state\.json: not a voiceload LiveKit state file/);

    assert.equal(standIn.requests.length, 0);
    for (const run of [noEnv, badOptions, otherProject, malformed]) assert.ok(!(run.stdout + run.stderr).includes(API_SECRET));
  } finally {
    await standIn.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
