import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isVoiceloadError } from '../../src/core/errors.js';
import { buildRunConfig, normalizeSippArgs, remoteToUri } from '../../src/cli/runOptions.js';

test('the command line users copy from SIPp tutorials means what it means to SIPp', () => {
  const argv = normalizeSippArgs(['-sf', 'call_scenario.xml', '127.0.0.1:5060', '-l', '50', '-r', '10', '-d', '60000', '-trace_stat', '-inf', 'users.csv', '-au', 'alice', '-nr']);
  assert.deepEqual(argv, ['--sf', 'call_scenario.xml', '127.0.0.1:5060', '-l', '50', '-r', '10', '-d', '60000', '--trace-stat', '--inf', 'users.csv', '--auth-user', 'alice', '--no-retrans']);
  // What commander hands over for that argv: -sf's value, then the one positional (the remote).
  const c = buildRunConfig('127.0.0.1:5060', undefined, { sf: 'call_scenario.xml', concurrency: '50', rate: '10', d: '60000', traceStat: true, inf: 'users.csv', authUser: 'alice', retrans: false }, {});
  assert.equal(c.scenarioFile, 'call_scenario.xml');
  assert.equal(c.format, 'xml');
  assert.equal(c.remote, '127.0.0.1:5060');
  assert.equal(c.concurrency, 50);
  assert.equal(c.ratePerSec, 10);
  assert.equal(c.defaultPauseMs, 60_000);
  assert.equal(c.injectionFile, 'users.csv');
  assert.equal(c.authUser, 'alice');
  assert.equal(c.retransmissions, false);
  assert.equal(c.calls, 1);
});

test('-r per -rp is a rate per second; -t u1/t1 pick the transport; the password comes from the environment', () => {
  const c = buildRunConfig('s.xml', 'example.test', { rate: '3', ratePeriod: '500', t: 't1' }, { VOICELOAD_SIP_PASSWORD: 'pw' });
  assert.equal(c.ratePerSec, 6);
  assert.equal(c.transport, 'tcp');
  assert.equal(c.password, 'pw');
});

test('every problem is reported at once, as a usage error', () => {
  try {
    buildRunConfig('s.yaml', 'not a host!', { calls: '0', rate: '-1', inf: 'x.csv', t: 'sctp', seed: 'abc' }, {});
    assert.fail('expected a usage error');
  } catch (e) {
    assert.ok(isVoiceloadError(e) && e.code === 'CLI_USAGE');
    const lines = e.message.split('\n');
    for (const needle of ['-m/--calls', '-r/--rate', '--seed', '-t takes', '-inf is for SIPp', 'remote "not a host!"']) {
      assert.ok(lines.some((l) => l.includes(needle)), `${needle} missing from:\n${e.message}`);
    }
  }
});

test('a SIPp remote becomes a SIP URI, keeping the scenario target user', () => {
  assert.equal(remoteToUri('127.0.0.1:5070', 'sip:agent@10.0.0.1:5060'), 'sip:agent@127.0.0.1:5070');
  assert.equal(remoteToUri('127.0.0.1', undefined), 'sip:service@127.0.0.1');
  assert.equal(remoteToUri('sip:bot@[::1]:5060', 'sip:agent@x'), 'sip:bot@[::1]:5060');
});

test('--junit, --openmetrics and --push-gateway are kept; --out openmetrics=FILE is --openmetrics, a plain --out stays the directory', () => {
  const c = buildRunConfig('s.yaml', undefined, { junit: 'junit.xml', out: ['results/', 'openmetrics=run.om'], pushGateway: 'http://127.0.0.1:9091' }, {});
  assert.equal(c.junitFile, 'junit.xml');
  assert.equal(c.outDir, 'results/');
  assert.equal(c.openMetricsFile, 'run.om');
  assert.equal(c.pushGatewayUrl, 'http://127.0.0.1:9091');
  const d = buildRunConfig('s.yaml', undefined, { out: 'openmetrics=only.om' }, {});
  assert.equal(d.openMetricsFile, 'only.om');
  assert.equal(d.outDir, undefined);
  const e = buildRunConfig('s.yaml', undefined, { openmetrics: 'm.txt', out: 'results/' }, {});
  assert.equal(e.openMetricsFile, 'm.txt');
  assert.equal(e.outDir, 'results/');
  const none = buildRunConfig('s.yaml', undefined, {}, {});
  assert.equal(none.junitFile, undefined);
  assert.equal(none.openMetricsFile, undefined);
  assert.equal(none.pushGatewayUrl, undefined);
});

test('machine-readable outputs: two OpenMetrics files, two --out directories, an empty file name or a bad URL are usage errors', () => {
  const problems = (raw: Parameters<typeof buildRunConfig>[2]): string => {
    try {
      buildRunConfig('s.yaml', undefined, raw, {});
    } catch (e) {
      assert.ok(isVoiceloadError(e) && e.code === 'CLI_USAGE');
      return e.message;
    }
    return assert.fail('expected a usage error');
  };
  assert.match(problems({ openmetrics: 'a.om', out: 'openmetrics=b.om' }), /OpenMetrics file once/);
  assert.match(problems({ out: ['a/', 'b/'] }), /--out DIR given 2 times/);
  assert.match(problems({ out: 'openmetrics=' }), /needs a file name/);
  assert.match(problems({ pushGateway: 'ftp://gw:9091' }), /--push-gateway takes/);
  assert.match(problems({ pushGateway: 'not a url' }), /--push-gateway takes/);
  // --record needs the directory, not an OpenMetrics file.
  assert.match(problems({ record: 'failed', out: 'openmetrics=m.om' }), /--record writes WAV files/);
});
