import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatParams, hasParam, parseParams } from '../../src/sip/params.js';
import { isVoiceloadError } from '../../src/core/errors.js';

test('generic params: order, flags, quoted values, lower-cased names, first occurrence wins', () => {
  const p = parseParams(' ; Tag = abc ;lr;q=0.5; x="a;b" ;tag=ignored');
  assert.deepEqual(Object.entries(p), [['tag', 'abc'], ['lr', null], ['q', '0.5'], ['x', '"a;b"']]);
  assert.ok(hasParam(p, 'LR'));
  assert.equal(formatParams(p), ';tag=abc;lr;q=0.5;x="a;b"');
  assert.deepEqual(parseParams(formatParams(p)), p);
  assert.deepEqual(parseParams(''), {});
});

test('"__proto__" is an ordinary parameter name', () => {
  const p = parseParams(';__proto__;a=1');
  assert.equal(Object.getPrototypeOf(p), Object.prototype);
  assert.deepEqual(Object.keys(p), ['__proto__', 'a']);
  assert.deepEqual(parseParams(';constructor=1;tostring'), { constructor: '1', tostring: null });
});

test('malformed params are SIP_PARSE errors', () => {
  for (const bad of [';', ';;a', ';a=', 'a', ';a b', ';a="x', ';a=1 junk', ';=1']) {
    assert.throws(() => parseParams(bad), (e) => isVoiceloadError(e) && e.code === 'SIP_PARSE', bad);
  }
});
