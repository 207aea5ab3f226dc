import { test } from 'node:test';
import assert from 'node:assert/strict';
import sdpTransform from 'sdp-transform';
import { buildOffer, type AudioSdpOptions } from '../../src/sdp/buildOffer.js';
import { parseAnswer } from '../../src/sdp/parseAnswer.js';
import { readAudioMedia } from '../../src/sdp/readAudioMedia.js';
import { isVoiceloadError } from '../../src/core/errors.js';

const base: AudioSdpOptions = {
  sessionId: '3913257600123',
  sessionVersion: 1,
  originHost: '127.0.0.1',
  connectionHost: '127.0.0.1',
  audioPort: 40000,
};

test('the default offer: PCMU, PCMA, telephone-event 101 (0-16), ptime 20, sendrecv, CRLF', () => {
  const sdp = buildOffer(base);
  assert.ok(sdp.endsWith('\r\n'));
  assert.ok(!/[^\r]\n/.test(sdp), 'every line ends in CRLF');
  const lines = sdp.split('\r\n');
  assert.equal(lines[0], 'v=0');
  assert.ok(lines.includes('o=- 3913257600123 1 IN IP4 127.0.0.1'));
  assert.ok(lines.includes('c=IN IP4 127.0.0.1'));
  assert.ok(lines.includes('m=audio 40000 RTP/AVP 0 8 101'));
  assert.ok(lines.includes('a=rtpmap:101 telephone-event/8000'));
  assert.ok(lines.includes('a=fmtp:101 0-16'));
  assert.ok(lines.includes('a=ptime:20'));
  assert.ok(lines.includes('a=sendrecv'));
});

test('round trip: reading a built offer gives back every option', () => {
  const cases: AudioSdpOptions[] = [
    base,
    { ...base, codecs: ['PCMA', 'PCMU'], telephoneEventPayloadType: 96, ptimeMs: 30, direction: 'sendonly', audioPort: 5004 },
    { ...base, codecs: ['PCMA'], telephoneEvent: false, direction: 'inactive' },
    { ...base, originHost: '::1', connectionHost: '2001:db8::7', sessionVersion: 42 },
  ];
  for (const opts of cases) {
    const sdp = buildOffer(opts);
    const media = readAudioMedia(sdp);
    const codecs = opts.codecs ?? ['PCMU', 'PCMA'];
    const te = opts.telephoneEvent === false ? [] : [opts.telephoneEventPayloadType ?? 101];
    assert.deepEqual(
      media.formats.map((f) => f.payloadType),
      [...codecs.map((c) => (c === 'PCMU' ? 0 : 8)), ...te],
    );
    assert.deepEqual(
      media.formats.map((f) => f.name),
      [...codecs, ...te.map(() => 'telephone-event')],
    );
    assert.equal(media.connectionHost, opts.connectionHost);
    assert.equal(media.port, opts.audioPort);
    assert.equal(media.ptimeMs, opts.ptimeMs ?? 20);
    assert.equal(media.direction, opts.direction ?? 'sendrecv');
    assert.equal(media.sessionId, String(opts.sessionId));
    assert.equal(media.sessionVersion, opts.sessionVersion);
    // Parsed as if it were the answer, the first listed codec is chosen.
    const n = parseAnswer(sdp);
    assert.equal(n.codec.name, codecs[0]);
    assert.equal(n.telephoneEventPayloadType, te[0]);
    // And sdp-transform writes our text back byte for byte.
    assert.equal(sdpTransform.write(sdpTransform.parse(sdp)), sdp);
  }
});

test('an IPv6 host gets IP6 in o= and c=', () => {
  const sdp = buildOffer({ ...base, originHost: '::1', connectionHost: '::1' });
  assert.ok(sdp.includes('o=- 3913257600123 1 IN IP6 ::1\r\n'));
  assert.ok(sdp.includes('c=IN IP6 ::1\r\n'));
});

test('invalid options are CONFIG errors', () => {
  for (const bad of [
    { ...base, codecs: [] },
    { ...base, codecs: ['PCMU', 'PCMU'] },
    { ...base, audioPort: 0 },
    { ...base, audioPort: 70000 },
    { ...base, telephoneEventPayloadType: 8 },
  ] as AudioSdpOptions[]) {
    assert.throws(() => buildOffer(bad), (e) => isVoiceloadError(e) && e.code === 'CONFIG', JSON.stringify(bad));
  }
});
