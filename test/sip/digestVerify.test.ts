import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeDigestAuthorization, parseChallenge } from '../../src/sip/digest.js';
import { verifyDigestAuthorization } from '../../src/sip/digestVerify.js';

const BASE = { method: 'INVITE', realm: 'lk', username: 'voiceload', password: 's3cret' };

function answer(challengeValue: string, password = BASE.password, username = BASE.username, extra: { body?: Buffer; qop?: 'auth' | 'auth-int' } = {}): string {
  return computeDigestAuthorization({
    challenge: parseChallenge(challengeValue),
    method: 'INVITE',
    uri: 'sip:agent@127.0.0.1:5060',
    username,
    password,
    ...extra,
  });
}

test('RFC 2617 §3.5 vector (GET, qop=auth) verifies; one character off does not', () => {
  const header =
    'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", ' +
    'qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"';
  const input = { headerValue: header, method: 'GET', realm: 'testrealm@host.com', username: 'Mufasa', password: 'Circle Of Life' };
  assert.equal(verifyDigestAuthorization(input), 'ok');
  assert.equal(verifyDigestAuthorization({ ...input, password: 'Circle of Life' }), 'bad');
  assert.equal(verifyDigestAuthorization({ ...input, method: 'POST' }), 'bad');
  assert.equal(verifyDigestAuthorization({ ...input, headerValue: header.replace('6629fae4', '6629fae5') }), 'bad');
});

test('RFC 7616 §3.9.1 vectors (MD5 and SHA-256, qop=auth) verify', () => {
  for (const [algorithm, response] of [
    ['MD5', '8ca523f5e9506fed4657c9700eebdbec'],
    ['SHA-256', '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1'],
  ] as const) {
    const header =
      `Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=${algorithm}, ` +
      'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", ' +
      `qop=auth, response="${response}", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`;
    const input = { headerValue: header, method: 'GET', realm: 'http-auth@example.org', username: 'Mufasa', password: 'Circle of Life' };
    assert.equal(verifyDigestAuthorization(input), 'ok', algorithm);
    assert.equal(verifyDigestAuthorization({ ...input, password: 'Circle Of Life' }), 'bad', algorithm);
  }
});

test('LiveKit-style challenge (MD5, no qop): our UAC answer verifies; wrong password or user is bad', () => {
  const challenge = 'Digest realm="lk", nonce="n0nce", algorithm=MD5';
  assert.equal(verifyDigestAuthorization({ ...BASE, headerValue: answer(challenge) }), 'ok');
  assert.equal(verifyDigestAuthorization({ ...BASE, headerValue: answer(challenge, 'wrong') }), 'bad');
  assert.equal(verifyDigestAuthorization({ ...BASE, headerValue: answer(challenge, BASE.password, 'mallory') }), 'bad');
  assert.equal(verifyDigestAuthorization({ ...BASE, method: 'BYE', headerValue: answer(challenge) }), 'bad');
});

test('every algorithm and qop our UAC can produce verifies', () => {
  const body = Buffer.from('v=0\r\n');
  for (const algorithm of ['MD5', 'MD5-sess', 'SHA-256', 'SHA-256-sess']) {
    for (const qop of [undefined, 'auth', 'auth-int'] as const) {
      const challenge = `Digest realm="lk", nonce="abc", algorithm=${algorithm}${qop === undefined ? '' : ', qop="auth,auth-int"'}`;
      const header = answer(challenge, BASE.password, BASE.username, { body, ...(qop === undefined ? {} : { qop }) });
      assert.equal(verifyDigestAuthorization({ ...BASE, headerValue: header, body }), 'ok', `${algorithm} ${qop ?? 'no qop'}`);
      assert.equal(verifyDigestAuthorization({ ...BASE, headerValue: header, password: 'x', body }), 'bad', `${algorithm} ${qop ?? 'no qop'}`);
    }
  }
  // auth-int without the body to hash cannot verify.
  const intHeader = answer('Digest realm="lk", nonce="abc", qop="auth-int"', BASE.password, BASE.username, { body });
  assert.equal(verifyDigestAuthorization({ ...BASE, headerValue: intHeader }), 'bad');
  assert.equal(verifyDigestAuthorization({ ...BASE, headerValue: intHeader, body: Buffer.from('v=1\r\n') }), 'bad');
});

test('userhash=true (RFC 7616 §3.4.4): the hashed username verifies', () => {
  const header = answer('Digest realm="lk", nonce="abc", algorithm=SHA-256, qop="auth", userhash=true');
  assert.doesNotMatch(header, /username="voiceload"/);
  assert.equal(verifyDigestAuthorization({ ...BASE, headerValue: header }), 'ok');
});

test('missing: no header, an empty one, another scheme, or credentials for another realm', () => {
  assert.equal(verifyDigestAuthorization({ ...BASE, headerValue: undefined }), 'missing');
  assert.equal(verifyDigestAuthorization({ ...BASE, headerValue: '  ' }), 'missing');
  assert.equal(verifyDigestAuthorization({ ...BASE, headerValue: 'Basic dm9pY2Vsb2FkOnMzY3JldA==' }), 'missing');
  assert.equal(verifyDigestAuthorization({ ...BASE, headerValue: answer('Digest realm="other", nonce="n"') }), 'missing');
});

test('bad: malformed values, missing parameters, unknown algorithm or qop', () => {
  const good = answer('Digest realm="lk", nonce="n", qop="auth"');
  assert.equal(verifyDigestAuthorization({ ...BASE, headerValue: 'Digest realm="lk", nonce="unterminated' }), 'bad');
  assert.equal(verifyDigestAuthorization({ ...BASE, headerValue: good.replace(/, response="[0-9a-f]+"/, '') }), 'bad');
  assert.equal(verifyDigestAuthorization({ ...BASE, headerValue: good.replace(/, nc=[0-9a-f]+/, '') }), 'bad');
  assert.equal(verifyDigestAuthorization({ ...BASE, headerValue: good.replace('algorithm=MD5', 'algorithm=SHA-512') }), 'bad');
  assert.equal(verifyDigestAuthorization({ ...BASE, headerValue: good.replace('qop=auth', 'qop=auth-conf') }), 'bad');
});

test('nonceIsValid: a correct digest over a nonce we no longer accept is stale; a wrong one stays bad', () => {
  const known = new Set(['fresh']);
  const nonceIsValid = (n: string): boolean => known.has(n);
  assert.equal(verifyDigestAuthorization({ ...BASE, nonceIsValid, headerValue: answer('Digest realm="lk", nonce="fresh"') }), 'ok');
  assert.equal(verifyDigestAuthorization({ ...BASE, nonceIsValid, headerValue: answer('Digest realm="lk", nonce="old"') }), 'stale');
  assert.equal(verifyDigestAuthorization({ ...BASE, nonceIsValid, headerValue: answer('Digest realm="lk", nonce="old"', 'wrong') }), 'bad');
});

test('the response is compared case-insensitively (hex digits)', () => {
  const header = answer('Digest realm="lk", nonce="n"');
  const upper = header.replace(/response="([0-9a-f]+)"/, (_m, hex: string) => `response="${hex.toUpperCase()}"`);
  assert.notEqual(upper, header);
  assert.equal(verifyDigestAuthorization({ ...BASE, headerValue: upper }), 'ok');
});
