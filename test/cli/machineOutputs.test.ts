import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeMachineOutputs } from '../../src/cli/machineOutputs.js';
import { buildRunConfig } from '../../src/cli/runOptions.js';
import { summaryDocFixture } from '../report/summaryDocFixture.js';

function capture(): { io: { stdout: (s: string) => void; stderr: (s: string) => void }; err: () => string } {
  let err = '';
  return { io: { stdout: () => undefined, stderr: (s) => (err += s) }, err: () => err };
}

test('--junit and --out openmetrics=FILE are written (directories created), with run id, scenario and tags', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-outputs-'));
  try {
    const config = buildRunConfig('s.yaml', undefined, { runId: 'r9', tag: ['build=abc'], junit: join(dir, 'ci/junit.xml'), out: [`openmetrics=${join(dir, 'm/run.om')}`] }, {});
    const { io, err } = capture();
    const r = await writeMachineOutputs(config, summaryDocFixture(), { scenario: 'order status', stoppedBy: 'interrupted' }, io);
    assert.equal(r.writeFailed, false);
    assert.deepEqual(r.files, [join(dir, 'ci/junit.xml'), join(dir, 'm/run.om')]);
    const xml = readFileSync(join(dir, 'ci/junit.xml'), 'utf8');
    assert.match(xml, /<testsuite name="voiceload: order status"/);
    assert.match(xml, /<property name="run_id" value="r9"\/>/);
    assert.match(xml, /<property name="stopped_by" value="interrupted"\/>/);
    const om = readFileSync(join(dir, 'm/run.om'), 'utf8');
    assert.match(om, /^voiceload_calls_attempted_total\{run_id="r9",scenario="order status",build="abc"\} 10$/m);
    assert.ok(om.endsWith('# EOF\n'));
    assert.equal(err(), '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file that cannot be written is reported and flagged', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-outputs-'));
  try {
    // The "directory" of the file is a file.
    const config = buildRunConfig('s.yaml', undefined, { junit: join(dir, 'junit.xml', 'x.xml') }, {});
    const blocker = buildRunConfig('s.yaml', undefined, { junit: join(dir, 'junit.xml') }, {});
    await writeMachineOutputs(blocker, summaryDocFixture(), { scenario: 's' }, capture().io);
    const { io, err } = capture();
    const r = await writeMachineOutputs(config, summaryDocFixture(), { scenario: 's' }, io);
    assert.equal(r.writeFailed, true);
    assert.match(err(), /cannot write .*x\.xml/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--push-gateway PUTs the 0.0.4 text to /metrics/job/voiceload/<tag>/<value>; a failed push is only a warning', async () => {
  const got: { method?: string; url?: string; type?: string; body: string }[] = [];
  let status = 200;
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      got.push({ ...(req.method === undefined ? {} : { method: req.method }), ...(req.url === undefined ? {} : { url: req.url }), ...(req.headers['content-type'] === undefined ? {} : { type: req.headers['content-type'] }), body });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const config = buildRunConfig('s.yaml', undefined, { runId: 'r1', tag: ['build=abc 1', 'branch=feat/x'], pushGateway: base }, {});
    const ok = capture();
    const r = await writeMachineOutputs(config, summaryDocFixture(), { scenario: 's' }, ok.io);
    assert.equal(r.writeFailed, false);
    assert.equal(got.length, 1);
    assert.equal(got[0]?.method, 'PUT');
    assert.equal(got[0]?.url, '/metrics/job/voiceload/build/abc%201/branch@base64/ZmVhdC94');
    assert.equal(got[0]?.type, 'text/plain; version=0.0.4; charset=utf-8');
    assert.match(got[0]?.body ?? '', /^voiceload_calls_attempted_total\{run_id="r1",scenario="s",build="abc 1",branch="feat\/x"\} 10$/m);
    assert.ok(!(got[0]?.body ?? '').includes('# EOF'));
    assert.ok(!(got[0]?.body ?? '').includes('_created'));
    assert.match(ok.err(), /pushed the summary/);
    status = 500;
    const bad = capture();
    const r2 = await writeMachineOutputs(config, summaryDocFixture(), { scenario: 's' }, bad.io);
    assert.equal(r2.writeFailed, false);
    assert.match(bad.err(), /^warning: --push-gateway: PUT .* answered 500/);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
