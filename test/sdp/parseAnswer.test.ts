import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseAnswer } from '../../src/sdp/parseAnswer.js';
import { isVoiceloadError } from '../../src/core/errors.js';

const fixture = (name: string): string => readFileSync(`test/fixtures/sdp/${name}`, 'utf8');
const hasCode = (code: string) => (e: unknown) => isVoiceloadError(e) && e.code === code;

test('baresip 1.0.0 answer (captured): PCMU first, telephone-event 101, ptime 20, session-level c=', () => {
  assert.deepEqual(parseAnswer(fixture('baresip-answer.sdp')), {
    connectionHost: '127.0.0.1',
    audioPort: 13564,
    codec: { name: 'PCMU', payloadType: 0, clockRate: 8000 },
    telephoneEventPayloadType: 101,
    ptimeMs: 20,
    direction: 'sendrecv',
  });
});

test('SIPp 3.6.1 uas scenario answer: a single static payload (PCMU), no ptime, no direction', () => {
  assert.deepEqual(parseAnswer(fixture('sipp-uas-answer.sdp')), {
    connectionHost: '127.0.0.1',
    audioPort: 6000,
    codec: { name: 'PCMU', payloadType: 0, clockRate: 8000 },
    direction: 'sendrecv',
  });
});

test('the answerer order is its preference: 8 listed first gives PCMA, even though we offered PCMU first', () => {
  const n = parseAnswer(fixture('pcma-first-answer.sdp'), ['PCMU', 'PCMA']);
  assert.deepEqual(n.codec, { name: 'PCMA', payloadType: 8, clockRate: 8000 });
  // Media-level c= (no session-level one), a=rtcp.
  assert.equal(n.connectionHost, '192.0.2.10');
  assert.equal(n.rtcpPort, 30001);
  assert.equal(n.telephoneEventPayloadType, 101);
});

test('a codec the answer lists but we did not offer is skipped', () => {
  const n = parseAnswer(fixture('pcma-first-answer.sdp'), ['PCMU']);
  assert.equal(n.codec.name, 'PCMU');
});

test('media-level c= overrides session-level c=', () => {
  const sdp = fixture('sipp-uas-answer.sdp').replace('m=audio 6000 RTP/AVP 0\r\n', 'm=audio 6000 RTP/AVP 0\r\nc=IN IP4 10.1.2.3\r\n');
  assert.equal(parseAnswer(sdp).connectionHost, '10.1.2.3');
});

test('static payload types without a=rtpmap and lowercase encoding names are recognised', () => {
  const sdp = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 7000 RTP/AVP 18 8\r\n';
  assert.equal(parseAnswer(sdp).codec.name, 'PCMA');
  const lower = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 7000 RTP/AVP 0\r\na=rtpmap:0 pcmu/8000\r\n';
  assert.equal(parseAnswer(lower).codec.name, 'PCMU');
});

test('session-level direction and ptime apply when the stream has none', () => {
  const sdp = fixture('sipp-uas-answer.sdp').replace('t=0 0\r\n', 't=0 0\r\na=recvonly\r\na=ptime:30\r\n');
  const n = parseAnswer(sdp);
  assert.equal(n.direction, 'recvonly');
  assert.equal(n.ptimeMs, 30);
});

test('an answer with only G.722 is SDP_NO_COMMON_CODEC, naming what it had', () => {
  assert.throws(
    () => parseAnswer(fixture('g722-only-answer.sdp')),
    (e) => hasCode('SDP_NO_COMMON_CODEC')(e) && (e as Error).message.includes('G722/9'),
  );
});

test('a rejected stream (port 0) is SDP_NO_COMMON_CODEC saying so', () => {
  assert.throws(
    () => parseAnswer(fixture('rejected-answer.sdp')),
    (e) => hasCode('SDP_NO_COMMON_CODEC')(e) && (e as Error).message.includes('port 0'),
  );
});

test('SRTP and no audio at all are SDP_NO_COMMON_CODEC', () => {
  const savp = fixture('sipp-uas-answer.sdp').replace('RTP/AVP', 'RTP/SAVP');
  assert.throws(() => parseAnswer(savp), hasCode('SDP_NO_COMMON_CODEC'));
  const video = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=video 7000 RTP/AVP 96\r\n';
  assert.throws(() => parseAnswer(video), hasCode('SDP_NO_COMMON_CODEC'));
});

test('malformed SDP is SDP_PARSE', () => {
  const good = fixture('sipp-uas-answer.sdp');
  const cases = [
    '',
    'hello world',
    good.replace('v=0', 'v=1'),
    good.replace('s=-\r\n', 's=-\r\nthis is not sdp\r\n'),
    good.replace(/c=.*\r\n/, ''), // no c= anywhere
    good.replace(/o=.*\r\n/, ''), // no o=
    good.replace('RTP/AVP 0', 'RTP/AVP x'),
    good.replace('RTP/AVP 0', 'RTP/AVP 300'),
    good.replace('m=audio 6000', 'm=audio 99999'),
    good.replace('RTP/AVP 0\r\n', 'RTP/AVP\r\n'),
    good.replace('m=audio 6000', 'm=audio abc'), // sdp-transform leaves such an m= entry empty
  ];
  for (const sdp of cases) assert.throws(() => parseAnswer(sdp), hasCode('SDP_PARSE'), JSON.stringify(sdp));
});

test('bare LF line endings are accepted', () => {
  assert.equal(parseAnswer(fixture('baresip-answer.sdp').replace(/\r\n/g, '\n')).audioPort, 13564);
});
