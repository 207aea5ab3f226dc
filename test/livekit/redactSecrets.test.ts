import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactSecrets, REDACTED } from '../../src/livekit/redactSecrets.js';

test('redactSecrets removes every occurrence of each secret, longest first', () => {
  assert.equal(redactSecrets('key=abc secret=abcdef again abcdef', ['abc', 'abcdef']), `key=${REDACTED} secret=${REDACTED} again ${REDACTED}`);
  assert.equal(redactSecrets('nothing here', ['zzz', undefined, '']), 'nothing here');
  assert.equal(redactSecrets('a.b*c a.b*c', ['a.b*c']), `${REDACTED} ${REDACTED}`);
});
