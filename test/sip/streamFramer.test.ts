import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamFramer } from '../../src/sip/streamFramer.js';
import type { SipParseError } from '../../src/sip/sipErrors.js';
import { parseSipMessage } from '../../src/sip/parse.js';
import { FIXTURES, readFixture } from './fixtures.js';

function collect(opts: { maxHeaderBytes?: number; maxBodyBytes?: number } = {}) {
  const messages: Buffer[] = [];
  const errors: SipParseError[] = [];
  const framer = new StreamFramer({ onMessage: (m) => messages.push(m), onError: (e) => errors.push(e), ...opts });
  return { framer, messages, errors };
}

const stream = Buffer.concat([
  Buffer.from('\r\n\r\n'), // RFC 5626 keep-alive before the first message
  ...FIXTURES.map(readFixture),
  Buffer.from('\r\n'),
  readFixture('ok200.sip'),
]);
const expected = [...FIXTURES.map(readFixture), readFixture('ok200.sip')];

test('many messages in one chunk come out one by one, keep-alives skipped', () => {
  const { framer, messages, errors } = collect();
  framer.push(stream);
  assert.deepEqual(messages, expected);
  assert.equal(errors.length, 0);
  assert.equal(framer.bufferedBytes, 0);
  for (const m of messages) parseSipMessage(m); // each delivered buffer is exactly one message
});

test('byte-by-byte feeding yields the same messages', () => {
  const { framer, messages, errors } = collect();
  for (let i = 0; i < stream.length; i++) framer.push(stream.subarray(i, i + 1));
  assert.deepEqual(messages, expected);
  assert.equal(errors.length, 0);
});

test('odd chunk sizes across boundaries', () => {
  for (const size of [2, 3, 7, 64, 333, 1000]) {
    const { framer, messages } = collect();
    for (let i = 0; i < stream.length; i += size) framer.push(stream.subarray(i, i + size));
    assert.deepEqual(messages, expected, `chunk size ${size}`);
  }
});

test('delivered messages do not change when the framer reuses its buffer', () => {
  const { framer, messages } = collect();
  framer.push(readFixture('invite.sip'));
  const copy = Buffer.from(messages[0] ?? Buffer.alloc(0));
  framer.push(readFixture('ok200.sip'));
  framer.push(readFixture('bye.sip'));
  assert.deepEqual(messages[0], copy);
});

test('missing Content-Length on a stream is a framing error; the framer resets and works again', () => {
  const { framer, messages, errors } = collect();
  framer.push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\n'));
  assert.equal(errors.length, 1);
  assert.equal(errors[0]?.code, 'SIP_FRAMING');
  assert.equal(errors[0]?.problem, 'content-length');
  assert.equal(framer.bufferedBytes, 0);
  framer.push(readFixture('bye.sip'));
  assert.deepEqual(messages, [readFixture('bye.sip')]);
});

test('conflicting or malformed Content-Length, folded and compact forms', () => {
  const bad = collect();
  bad.framer.push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 2\r\nl: 3\r\n\r\nabc'));
  bad.framer.push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nContent-Length: -2\r\n\r\n'));
  assert.deepEqual(bad.errors.map((e) => e.problem), ['content-length', 'content-length']);
  const ok = collect();
  const folded = Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nl:\r\n  3\r\n\r\nabc');
  const upper = Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nCONTENT-LENGTH: 0\r\n\r\n');
  ok.framer.push(Buffer.concat([folded, upper]));
  assert.deepEqual(ok.messages, [folded, upper]);
  assert.equal(ok.errors.length, 0);
});

test('size limits are framing errors', () => {
  const head = collect({ maxHeaderBytes: 100 });
  head.framer.push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nX: ' + 'a'.repeat(200)));
  assert.equal(head.errors[0]?.problem, 'too-large');
  const body = collect({ maxBodyBytes: 10 });
  body.framer.push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 11\r\n\r\n'));
  assert.equal(body.errors[0]?.problem, 'too-large');
});
