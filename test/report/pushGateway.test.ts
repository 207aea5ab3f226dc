import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pushGatewayUrl, pushMetrics } from '../../src/report/pushGateway.js';
import { isVoiceloadError } from '../../src/core/errors.js';

interface Received {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}

async function withServer(status: number, fn: (base: string, received: Received[]) => Promise<void>): Promise<void> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body });
      res.statusCode = status;
      res.end(status === 200 ? '' : 'bad metric');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, received);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

test('the group URL: job voiceload, then each tag as a grouping label, URL-encoded; / and empty values in base64', () => {
  assert.equal(pushGatewayUrl('http://gw:9091/', 'voiceload', {}), 'http://gw:9091/metrics/job/voiceload');
  assert.equal(pushGatewayUrl('http://gw:9091', 'voiceload', { build: 'abc 1', env: 'a&b?' }), 'http://gw:9091/metrics/job/voiceload/build/abc%201/env/a%26b%3F');
  assert.equal(pushGatewayUrl('http://gw:9091', 'voiceload', { branch: 'feat/x', empty: '' }), 'http://gw:9091/metrics/job/voiceload/branch@base64/ZmVhdC94/empty@base64/=');
  assert.equal(pushGatewayUrl('http://gw:9091', 'voiceload', { 'build.id': '1' }), 'http://gw:9091/metrics/job/voiceload/build_id/1');
});

test('a job tag names the job instead of repeating the job label; tags that sanitize to one name keep the first', () => {
  assert.equal(pushGatewayUrl('http://gw:9091', 'voiceload', { build: 'b1', job: 'nightly' }), 'http://gw:9091/metrics/job/nightly/build/b1');
  assert.equal(pushGatewayUrl('http://gw:9091', 'voiceload', { 'build-id': '1', build_id: '2' }), 'http://gw:9091/metrics/job/voiceload/build_id/1');
});

test('pushMetrics PUTs the body with the content type to the group path', async () => {
  await withServer(200, async (base, received) => {
    const url = pushGatewayUrl(base, 'voiceload', { build: 'abc' });
    await pushMetrics(url, 'voiceload_calls_attempted_total 1\n', { contentType: 'text/plain; version=0.0.4; charset=utf-8' });
    assert.equal(received.length, 1);
    const r = received[0] as Received;
    assert.equal(r.method, 'PUT');
    assert.equal(r.url, '/metrics/job/voiceload/build/abc');
    assert.equal(r.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
    assert.equal(r.body, 'voiceload_calls_attempted_total 1\n');
    assert.equal(r.headers['authorization'], undefined);
  });
});

test('credentials in the URL go as basic auth and never into an error message', async () => {
  await withServer(400, async (base, received) => {
    const url = base.replace('http://', 'http://ci:s3cret@') + '/metrics/job/voiceload';
    await assert.rejects(pushMetrics(url, 'x 1\n', { contentType: 'text/plain' }), (e: unknown) => {
      assert.ok(isVoiceloadError(e) && e.code === 'PUSH_FAILED');
      assert.match(e.message, /answered 400: bad metric/);
      assert.ok(!e.message.includes('s3cret'));
      return true;
    });
    assert.equal(received[0]?.headers['authorization'], `Basic ${Buffer.from('ci:s3cret').toString('base64')}`);
  });
});

test('a gateway that is not there rejects with PUSH_FAILED', async () => {
  let port = 0;
  await withServer(200, async (base) => {
    port = Number(new URL(base).port);
  });
  await assert.rejects(pushMetrics(`http://127.0.0.1:${port}/metrics/job/voiceload`, 'x 1\n', { contentType: 'text/plain' }), (e: unknown) => isVoiceloadError(e) && e.code === 'PUSH_FAILED');
});
