import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseSippScenario, SippScenarioError } from '../../src/sipp/parseSippScenario.js';

const BASIC = fileURLToPath(new URL('../../scenarios/basic-call.xml', import.meta.url));

function problemsOf(text: string): string[] {
  try {
    parseSippScenario(text, 's.xml');
  } catch (e) {
    assert.ok(e instanceof SippScenarioError);
    assert.equal(e.code, 'CONFIG');
    return e.problems.map((p) => `${p.line}:${p.col} ${p.message}`);
  }
  assert.fail('expected problems');
}

test('the shipped basic-call.xml: INVITE without Via branch, recv 200 only, ACK, pause (= -d), BYE, recv 200', () => {
  const s = parseSippScenario(readFileSync(BASIC, 'utf8'), 'basic-call.xml');
  assert.deepEqual(
    s.commands.map((c) => c.kind + (c.kind === 'send' ? ` ${c.method}` : c.kind === 'recv' ? ` ${c.response}/${c.responseToMethod}` : '')),
    ['send INVITE', 'recv 200/INVITE', 'send ACK', 'pause', 'send BYE', 'recv 200/BYE'],
  );
  const invite = s.commands[0];
  assert.ok(invite?.kind === 'send');
  assert.match(invite.template, /Via: SIP\/2\.0\/\[transport\] \[local_ip\]:\[local_port\]\s*\n/);
  assert.doesNotMatch(invite.template, /branch/);
  const pause = s.commands[3];
  assert.ok(pause?.kind === 'pause' && pause.milliseconds === undefined);
  assert.ok(!s.commands.some((c) => c.kind === 'recv' && c.optional));
  assert.equal(s.usesMediaPort, true);
  assert.deepEqual(s.warnings, []);
});

test('an unknown element and an unknown keyword are both reported, each with line:col and a did-you-mean', () => {
  const text = [
    '<scenario>', //                                    1
    '  <send>', //                                      2
    '    <![CDATA[', //                                 3
    '      INVITE sip:[service]@[remote_ip] SIP/2.0', // 4
    '      Call-ID: [callid]', //                       5
    '    ]]>', //                                       6
    '  </send>', //                                     7
    '  <paus milliseconds="10"/>', //                   8
    '</scenario>',
  ].join('\n');
  const lines = text.split('\n');
  const keywordCol = lines[4]!.indexOf('[callid]') + 1;
  const elementCol = lines[7]!.indexOf('<paus') + 1;
  const problems = problemsOf(text);
  assert.equal(problems.length, 2, problems.join('\n'));
  assert.ok(problems[0]!.startsWith(`5:${keywordCol} unknown keyword [callid]; did you mean [call_id]?`), problems[0]);
  assert.ok(problems[1]!.startsWith(`8:${elementCol} unknown element <paus>; did you mean <pause>?`), problems[1]);
});

test('every problem at once: attributes, labels, recv without response/request, a scenario starting with recv', () => {
  const text = [
    '<scenario>',
    '  <recv respnse="200"/>',
    '  <send retrans="soon" next="ende"><![CDATA[BYE sip:x SIP/2.0]]></send>',
    '  <label id="end"/>',
    '  <nop><action><exec rtp_stream="a.ul,1,18"/></action></nop>',
    '  <pause lost="10"/>',
    '</scenario>',
  ].join('\n');
  const problems = problemsOf(text);
  assert.deepEqual(
    problems.map((p) => p.replace(/;.*| \(hint.*/, '').trim()),
    [
      '2:3 <recv> needs response="..." or request="..."',
      '2:3 the scenario starts with <recv>: voiceload runs caller (UAC) scenarios, which start with <send>',
      '2:9 unknown attribute respnse on <recv>',
      '3:3 jump to label "ende", which is not defined',
      '3:9 retrans must be a positive number of milliseconds, got "soon"',
      '5:22 payload type 18 is not supported (0 = PCMU, 8 = PCMA)',
      '6:10 SIPp attribute lost on <pause> is not supported by voiceload',
    ],
  );
  assert.ok(problems[2]!.includes('did you mean response?'));
  assert.ok(problems[3]!.includes('did you mean "end"?'));
});

test('optional recvs, labels, timeouts, nop media, and ignored actions with a warning', () => {
  const s = parseSippScenario(
    [
      '<scenario>',
      '  <send><![CDATA[INVITE sip:a@b SIP/2.0]]></send>',
      '  <recv response="100" optional="true"/>',
      '  <recv response="200" timeout="2s" ontimeout="out"><action><ereg regexp="x" search_in="msg" assign_to="v"/></action></recv>',
      '  <nop><action><exec rtp_stream="hello.wav,-1,8"/><exec play_pcap_audio="g711.pcap"/></action></nop>',
      '  <label id="out"/>',
      '</scenario>',
    ].join('\n'),
    's.xml',
  );
  const [, opt, main, nop] = s.commands;
  assert.ok(opt?.kind === 'recv' && opt.optional && opt.response === 100);
  assert.ok(main?.kind === 'recv' && main.timeoutMs === 2000 && main.onTimeout === 'out');
  assert.ok(nop?.kind === 'nop');
  assert.deepEqual(nop.media, [
    { kind: 'rtp_stream', file: 'hello.wav', loops: -1, payloadType: 8 },
    { kind: 'play_pcap_audio', file: 'g711.pcap' },
  ]);
  assert.equal(s.labels.get('out'), 4);
  assert.equal(s.warnings.length, 1);
  assert.match(s.warnings[0]!, /^s\.xml:4:53: <action> inside <recv> is ignored/);
});
