import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildAnswer, type AnswerOptions } from '../../src/sdp/buildAnswer.js';
import { buildOffer } from '../../src/sdp/buildOffer.js';
import { parseAnswer } from '../../src/sdp/parseAnswer.js';
import { readAudioMedia } from '../../src/sdp/readAudioMedia.js';
import { isVoiceloadError } from '../../src/core/errors.js';

const fixture = (name: string): string => readFileSync(`test/fixtures/sdp/${name}`, 'utf8');
const agent: AnswerOptions = { connectionHost: '127.0.0.1', audioPort: 41000, sessionId: 77, sessionVersion: 1 };
const offer = buildOffer({ sessionId: 1, sessionVersion: 1, originHost: '127.0.0.1', connectionHost: '127.0.0.1', audioPort: 40000 });

test('offer → answer → parseAnswer: both sides agree on codec, ports and telephone-event', () => {
  const { sdp, negotiated } = buildAnswer(offer, agent);
  // What the answerer learnt about the offerer.
  assert.deepEqual(negotiated, {
    connectionHost: '127.0.0.1',
    audioPort: 40000,
    codec: { name: 'PCMU', payloadType: 0, clockRate: 8000 },
    telephoneEventPayloadType: 101,
    ptimeMs: 20,
    direction: 'sendrecv',
  });
  // What the offerer learns from the answer.
  assert.deepEqual(parseAnswer(sdp), {
    connectionHost: '127.0.0.1',
    audioPort: 41000,
    codec: { name: 'PCMU', payloadType: 0, clockRate: 8000 },
    telephoneEventPayloadType: 101,
    ptimeMs: 20,
    direction: 'sendrecv',
  });
  assert.ok(sdp.includes('m=audio 41000 RTP/AVP 0 101\r\n'), 'one codec plus events');
});

test('the answerer picks its own preference among the offered codecs', () => {
  const { negotiated, sdp } = buildAnswer(offer, { ...agent, codecs: ['PCMA', 'PCMU'] });
  assert.equal(negotiated.codec.name, 'PCMA');
  assert.equal(parseAnswer(sdp).codec.name, 'PCMA');
});

test('answering a softphone offer: G.722 skipped, telephone-event keeps the offerer PT 96, video rejected in place', () => {
  const { sdp, negotiated } = buildAnswer(fixture('softphone-offer.sdp'), agent);
  assert.equal(negotiated.codec.name, 'PCMU');
  assert.equal(negotiated.connectionHost, '203.0.113.5');
  assert.equal(negotiated.audioPort, 49170);
  assert.equal(negotiated.telephoneEventPayloadType, 96);
  const lines = sdp.split('\r\n');
  const mLines = lines.filter((l) => l.startsWith('m='));
  assert.deepEqual(mLines, ['m=audio 41000 RTP/AVP 0 96', 'm=video 0 RTP/AVP 99']);
  assert.ok(lines.includes('a=rtpmap:96 telephone-event/8000'));
});

test('direction is mirrored (RFC 3264 §6.1)', () => {
  for (const [offered, answered] of [
    ['sendonly', 'recvonly'],
    ['recvonly', 'sendonly'],
    ['inactive', 'inactive'],
    ['sendrecv', 'sendrecv'],
  ] as const) {
    const o = buildOffer({ sessionId: 1, sessionVersion: 1, originHost: '127.0.0.1', connectionHost: '127.0.0.1', audioPort: 40000, direction: offered });
    assert.equal(readAudioMedia(buildAnswer(o, agent).sdp).direction, answered);
  }
});

test('without telephone-event on either side, the answer has none', () => {
  const noTe = buildOffer({ sessionId: 1, sessionVersion: 1, originHost: '127.0.0.1', connectionHost: '127.0.0.1', audioPort: 40000, telephoneEvent: false });
  assert.equal(buildAnswer(noTe, agent).negotiated.telephoneEventPayloadType, undefined);
  const declined = buildAnswer(offer, { ...agent, telephoneEvent: false });
  assert.equal(declined.negotiated.telephoneEventPayloadType, undefined);
  assert.ok(!declined.sdp.includes('telephone-event'));
});

test('an offer with nothing we support, or a disabled stream, is SDP_NO_COMMON_CODEC', () => {
  const pcmaOnly = buildOffer({ sessionId: 1, sessionVersion: 1, originHost: '127.0.0.1', connectionHost: '127.0.0.1', audioPort: 40000, codecs: ['PCMA'] });
  assert.throws(() => buildAnswer(pcmaOnly, { ...agent, codecs: ['PCMU'] }), (e) => isVoiceloadError(e) && e.code === 'SDP_NO_COMMON_CODEC');
  assert.throws(() => buildAnswer(fixture('g722-only-answer.sdp'), agent), (e) => isVoiceloadError(e) && e.code === 'SDP_NO_COMMON_CODEC');
  assert.throws(() => buildAnswer(fixture('rejected-answer.sdp'), agent), (e) => isVoiceloadError(e) && e.code === 'SDP_NO_COMMON_CODEC');
  assert.throws(() => buildAnswer('garbage', agent), (e) => isVoiceloadError(e) && e.code === 'SDP_PARSE');
});
