import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_CSEQ, formatCSeq, parseCSeq } from '../../src/sip/cseq.js';
import { isVoiceloadError } from '../../src/core/errors.js';

test('CSeq number and method, leading zeros and LWS allowed', () => {
  assert.deepEqual(parseCSeq('314159 INVITE'), { seq: 314159, method: 'INVITE' });
  assert.deepEqual(parseCSeq('0009   INVITE'), { seq: 9, method: 'INVITE' });
  assert.deepEqual(parseCSeq(`${MAX_CSEQ} ACK`), { seq: 2 ** 32 - 1, method: 'ACK' });
});

test('overlarge, negative, missing parts are SIP_PARSE errors', () => {
  for (const bad of [`${2 ** 32} INVITE`, '36893488147419103232 REGISTER', '-1 INVITE', '1', 'INVITE', '1 IN VITE', '1 IN(VITE', '']) {
    assert.throws(() => parseCSeq(bad), (e) => isVoiceloadError(e) && e.code === 'SIP_PARSE', bad);
  }
});

test('round trip', () => {
  for (const s of ['1 INVITE', '0009 BYE', '4294967295 !interesting-Method0123456789_*+`.%indeed\'~']) {
    const c = parseCSeq(s);
    assert.deepEqual(parseCSeq(formatCSeq(c)), c);
  }
});
