import { test } from 'node:test';
import assert from 'node:assert/strict';
import { livekitOrigin, readLivekitCredentials } from '../../src/livekit/livekitCredentials.js';
import { VoiceloadError } from '../../src/core/errors.js';

test('readLivekitCredentials reads the three LiveKit variables and normalises the origin', () => {
  const c = readLivekitCredentials({ LIVEKIT_URL: 'wss://proj.livekit.cloud', LIVEKIT_API_KEY: 'APIk', LIVEKIT_API_SECRET: 's3cret' });
  assert.deepEqual(c, { url: 'wss://proj.livekit.cloud', origin: 'https://proj.livekit.cloud', apiKey: 'APIk', apiSecret: 's3cret' });
});

test('readLivekitCredentials names every missing variable in one usage error, without echoing the secret', () => {
  assert.throws(
    () => readLivekitCredentials({ LIVEKIT_API_SECRET: 'topsecret' }),
    (e: unknown) => {
      assert.ok(e instanceof VoiceloadError);
      assert.equal(e.code, 'CLI_USAGE');
      assert.match(e.message, /LIVEKIT_URL is not set/);
      assert.match(e.message, /LIVEKIT_API_KEY is not set/);
      assert.doesNotMatch(e.message, /LIVEKIT_API_SECRET/);
      assert.doesNotMatch(e.message + (e.hint ?? ''), /topsecret/);
      return true;
    },
  );
  assert.throws(() => readLivekitCredentials({ LIVEKIT_URL: 'x', LIVEKIT_API_KEY: 'k', LIVEKIT_API_SECRET: '' }), /LIVEKIT_API_SECRET is not set.*LIVEKIT_URL "x" is not/);
});

test('livekitOrigin maps ws/wss to http/https and drops paths and user info', () => {
  assert.equal(livekitOrigin('ws://127.0.0.1:7880'), 'http://127.0.0.1:7880');
  assert.equal(livekitOrigin('https://user:pw@lk.example.com/some/path'), 'https://lk.example.com');
  assert.equal(livekitOrigin('ftp://lk.example.com'), undefined);
  assert.equal(livekitOrigin('not a url'), undefined);
});
