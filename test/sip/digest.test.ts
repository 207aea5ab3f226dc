import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseChallenge, computeDigestAuthorization, parseAuthParams, parseChallenge } from '../../src/sip/digest.js';
import { parseSipMessage } from '../../src/sip/parse.js';
import { getHeaders } from '../../src/sip/message.js';
import { isVoiceloadError } from '../../src/core/errors.js';
import { readFixture } from './fixtures.js';

function responseOf(authorization: string): string | undefined {
  return parseAuthParams(authorization).params.get('response');
}

test('RFC 2617 §3.5 example: Mufasa / "Circle Of Life", qop=auth', () => {
  const challenge = parseChallenge(
    'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
  );
  const auth = computeDigestAuthorization({
    challenge, method: 'GET', uri: '/dir/index.html', username: 'Mufasa', password: 'Circle Of Life', cnonce: '0a4f113b', nc: 1,
  });
  // Expected Authorization parameters as printed in RFC 2617 §3.5.
  const { scheme, params } = parseAuthParams(auth);
  assert.equal(scheme, 'Digest');
  assert.deepEqual(Object.fromEntries([...params].filter(([k]) => k !== 'algorithm')), {
    username: 'Mufasa', realm: 'testrealm@host.com', nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', uri: '/dir/index.html',
    qop: 'auth', nc: '00000001', cnonce: '0a4f113b', response: '6629fae49393a05397450978507c4ef1', opaque: '5ccc069c403ebaf9f0171e9517f40e41',
  });
});

// RFC 7616 §3.9.1 (password "Circle of Life" with a lower-case "of", per verified erratum 4495).
const RFC7616 = {
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
};

for (const [algorithm, expected] of [
  ['MD5', '8ca523f5e9506fed4657c9700eebdbec'],
  ['SHA-256', '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1'],
] as const) {
  test(`RFC 7616 §3.9.1 example with ${algorithm}`, () => {
    const challenge = parseChallenge(
      `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=${algorithm}, nonce="${RFC7616.nonce}", opaque="${RFC7616.opaque}"`,
    );
    assert.equal(challenge.algorithm, algorithm);
    assert.deepEqual(challenge.qop, ['auth', 'auth-int']);
    const auth = computeDigestAuthorization({
      challenge, method: 'GET', uri: '/dir/index.html', username: 'Mufasa', password: 'Circle of Life', cnonce: RFC7616.cnonce, nc: 1,
    });
    assert.equal(responseOf(auth), expected);
    assert.ok(auth.includes(`algorithm=${algorithm}`) && auth.includes('qop=auth,') && auth.includes(`opaque="${RFC7616.opaque}"`));
  });
}

test('no-qop MD5 (RFC 2069 style), computed independently', () => {
  // Expected value computed outside this code with:
  //   node -e "const c=require('crypto'),h=s=>c.createHash('md5').update(s).digest('hex');
  //            console.log(h(h('alice:voiceload.test:s3cret')+':abc123nonce:'+h('REGISTER:sip:voiceload.test')))"
  // which prints d1060fea1eb1b7c1621fe8b482cf122e (response = MD5(HA1:nonce:HA2), RFC 2617 §3.2.2.1).
  const challenge = parseChallenge('Digest realm="voiceload.test", nonce="abc123nonce"');
  assert.equal(challenge.algorithm, 'MD5');
  assert.deepEqual(challenge.qop, []);
  const auth = computeDigestAuthorization({ challenge, method: 'REGISTER', uri: 'sip:voiceload.test', username: 'alice', password: 's3cret' });
  assert.equal(responseOf(auth), 'd1060fea1eb1b7c1621fe8b482cf122e');
  assert.ok(!auth.includes('cnonce') && !auth.includes('qop') && !auth.includes('nc='));
  // RFC 2069 §2.4 printed example (password "CircleOfLife"): response 1949323746fe6a43ef61f9606e7febea.
  const rfc2069 = parseChallenge('Digest realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"');
  const a2 = computeDigestAuthorization({ challenge: rfc2069, method: 'GET', uri: '/dir/index.html', username: 'Mufasa', password: 'CircleOfLife' });
  assert.equal(responseOf(a2), '1949323746fe6a43ef61f9606e7febea');
});

test('auth-int hashes the body; -sess uses the cnonce; userhash hashes the username', () => {
  const base = { method: 'INVITE', uri: 'sip:bob@x', username: 'u', password: 'p', cnonce: 'c', nc: 2 };
  const ch = parseChallenge('Digest realm="r", nonce="n", qop="auth-int"');
  const a = computeDigestAuthorization({ ...base, challenge: ch, body: Buffer.from('v=0\r\n') });
  const b = computeDigestAuthorization({ ...base, challenge: ch, body: Buffer.from('v=1\r\n') });
  assert.notEqual(responseOf(a), responseOf(b));
  assert.ok(a.includes('qop=auth-int') && a.includes('nc=00000002'));
  const sess = parseChallenge('Digest realm="r", nonce="n", algorithm=md5-sess');
  assert.equal(sess.algorithm, 'MD5-sess');
  const s1 = computeDigestAuthorization({ ...base, challenge: sess });
  const s2 = computeDigestAuthorization({ ...base, challenge: sess, cnonce: 'd' });
  assert.notEqual(responseOf(s1), responseOf(s2));
  const uh = computeDigestAuthorization({ ...base, challenge: parseChallenge('Digest realm="r", nonce="n", qop=auth, userhash=true') });
  assert.notEqual(parseAuthParams(uh).params.get('username'), 'u');
  assert.ok(uh.endsWith('userhash=true'));
});

test('chooseChallenge prefers SHA-256 and skips what it cannot answer', () => {
  const m = parseSipMessage(readFixture('proxyauth407.sip'));
  const challenges = getHeaders(m, 'Proxy-Authenticate').map(parseChallenge);
  assert.equal(chooseChallenge(challenges)?.algorithm, 'SHA-256');
  assert.equal(chooseChallenge(challenges.slice(0, 1))?.algorithm, 'MD5');
  const unsupported = [
    parseChallenge('Digest realm="r", nonce="n", algorithm=SHA-512-256'),
    parseChallenge('Digest realm="r", nonce="n", qop="auth-conf"'),
  ];
  assert.equal(chooseChallenge(unsupported), undefined);
  assert.equal(chooseChallenge([...unsupported, parseChallenge('Digest realm="r", nonce="n"')])?.algorithm, 'MD5');
});

test('parseChallenge: escapes, stale, other schemes and missing fields', () => {
  const c = parseChallenge('DIGEST realm="a \\"b\\"",nonce=xyz , stale=TRUE,domain="sip:a sip:b", Basic realm="x"');
  assert.equal(c.realm, 'a "b"');
  assert.equal(c.nonce, 'xyz');
  assert.equal(c.stale, true);
  for (const bad of ['Basic realm="x"', 'Digest realm="x"', 'Digest nonce="n"', 'Digest realm="x, nonce="n"', '']) {
    assert.throws(() => parseChallenge(bad), (e) => isVoiceloadError(e) && e.code === 'SIP_AUTH', bad);
  }
  assert.throws(
    () => computeDigestAuthorization({ challenge: parseChallenge('Digest realm="r", nonce="n", algorithm=SHA-512-256'), method: 'A', uri: 'u', username: 'u', password: 'p' }),
    (e) => isVoiceloadError(e) && e.code === 'SIP_AUTH',
  );
});
