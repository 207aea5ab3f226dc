import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSemantics } from '../../src/sip/checkSemantics.js';
import { parseSipMessage } from '../../src/sip/parse.js';
import { FIXTURES, readFixture } from './fixtures.js';

test('well-formed fixtures have no problems', () => {
  for (const f of FIXTURES) assert.deepEqual(checkSemantics(parseSipMessage(readFixture(f))), [], f);
});

test('missing mandatory headers, repeated single-valued ones and Content-Length conflicts are all reported', () => {
  const m = parseSipMessage(
    Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nCSeq: 1 OPTIONS\r\nCSeq: 2 OPTIONS\r\nVia: SIP/2.0/UDP h\r\nContent-Length: 1\r\nl: 2\r\n\r\nab'),
    { datagram: true },
  );
  const problems = checkSemantics(m);
  assert.deepEqual(
    problems.map((p) => `${p.kind}:${p.header}`),
    ['missing-header:To', 'missing-header:From', 'missing-header:Call-ID', 'multiple-values:CSeq', 'content-length-conflict:Content-Length'],
  );
  const same = parseSipMessage(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 2\r\nl: 02\r\n\r\nab'));
  assert.ok(!checkSemantics(same).some((p) => p.kind === 'content-length-conflict'));
});
