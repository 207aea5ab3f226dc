import { closestWord } from '../config/closestWord.js';
import { formatProblem, sortProblems, type ConfigProblem } from '../config/configProblem.js';
import { tryParseDurationMs } from '../core/duration.js';
import { VoiceloadError } from '../core/errors.js';
import { classifyKeyword, scanKeywords } from './sippKeywords.js';
import type { MediaAction, RecvCommand, SendCommand, SippCommand, SippScenario, SourceAt } from './sippScenario.js';
import { readXml, type XmlAttribute, type XmlElement } from './xmlReader.js';

/** An invalid SIPp scenario: code CONFIG, every problem listed (file:line:col) in the message and in `problems`. */
export class SippScenarioError extends VoiceloadError {
  readonly problems: readonly ConfigProblem[];

  constructor(file: string, problems: readonly ConfigProblem[]) {
    const n = problems.length;
    super('CONFIG', `invalid SIPp scenario ${file} (${n} problem${n === 1 ? '' : 's'}):\n${problems.map((p) => '  ' + formatProblem(p)).join('\n')}`, {
      hint: 'scenarios/basic-call.xml shows the supported commands; unknown elements, attributes and keywords are errors',
    });
    this.name = 'SippScenarioError';
    this.problems = problems;
  }
}

const ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  scenario: ['name'],
  send: ['retrans', 'start_rtd', 'rtd', 'crlf', 'next', 'test'],
  recv: ['response', 'request', 'optional', 'rtd', 'start_rtd', 'timeout', 'ontimeout', 'next', 'test', 'crlf', 'rrs', 'auth'],
  pause: ['milliseconds', 'crlf', 'start_rtd', 'rtd'],
  nop: ['crlf', 'start_rtd', 'rtd'],
  label: ['id'],
  action: [],
  exec: ['rtp_stream', 'play_pcap_audio'],
  ResponseTimeRepartition: ['value'],
  CallLengthRepartition: ['value'],
};

/** SIPp spellings voiceload knows but does not run: an error that says so rather than "unknown". */
const SIPP_UNSUPPORTED = new Set([
  'lost', 'chance', 'counter', 'start_txn', 'ack_txn', 'response_txn', 'regexp_match', 'ignoresdp', 'repeat_rtd', 'min', 'max',
  'distribution', 'mean', 'stdev', 'sanity_check', 'command', 'int_cmd', 'play_pcap_video', 'rtp_echo', 'display', 'variable',
  'sendCmd', 'recvCmd', 'timewait', 'page', 'value',
]);

const COMMANDS = ['send', 'recv', 'pause', 'nop', 'label', 'ResponseTimeRepartition', 'CallLengthRepartition'];

/** Parses and checks a SIPp XML scenario; throws SippScenarioError with every problem found. */
export function parseSippScenario(text: string, file: string): SippScenario {
  const problems: ConfigProblem[] = [];
  const warnings: string[] = [];
  const problem = (at: SourceAt, path: string, message: string, hint?: string): void => {
    problems.push({ file, line: at.line, col: at.col, path, message, ...(hint === undefined ? {} : { hint }) });
  };
  const warn = (at: SourceAt, message: string): void => {
    warnings.push(`${file}:${at.line}:${at.col}: ${message}`);
  };
  const { root, problems: xmlProblems } = readXml(text);
  if (root === undefined) {
    for (const p of xmlProblems) problem(p, '(xml)', p.message);
    throw new SippScenarioError(file, problems);
  }
  if (root.name !== 'scenario') problem(root, root.name, `the root element must be <scenario>, found <${root.name}>`);
  checkAttributes(root, problem);

  const commands: SippCommand[] = [];
  let usesMediaPort = false;
  let lastRequestMethod: string | undefined;
  for (const child of root.children) {
    if (child.kind === 'text') {
      if (child.text.trim() !== '') problem(child, 'scenario', 'text between commands (put messages inside <send><![CDATA[ ... ]]></send>)');
      continue;
    }
    if (!COMMANDS.includes(child.name)) {
      const guess = closestWord(child.name, COMMANDS);
      problem(child, child.name, `unknown element <${child.name}>${guess === undefined ? '' : `; did you mean <${guess}>?`}`, `supported: ${COMMANDS.map((c) => `<${c}>`).join(', ')}`);
      continue;
    }
    checkAttributes(child, problem);
    const attr = (name: string): XmlAttribute | undefined => child.attributes.find((a) => a.name === name);
    const at: SourceAt = { line: child.line, col: child.col };
    const rtdMarks = {
      ...(attr('start_rtd') === undefined ? {} : { startRtd: rtdName(attr('start_rtd')!.value) }),
      ...(attr('rtd') === undefined ? {} : { rtd: rtdName(attr('rtd')!.value) }),
    };
    const jump = {
      ...(attr('next') === undefined ? {} : { next: attr('next')!.value }),
      ...(attr('test') === undefined ? {} : { test: attr('test')!.value }),
    };
    if (attr('test') !== undefined) warn(attr('test')!, `test="${attr('test')!.value}": voiceload sets no variables (actions are not run), so this jump is never taken`);
    switch (child.name) {
      case 'send': {
        const cdata = child.children.filter((c) => c.kind === 'text' && (c.cdata || c.text.trim() !== ''));
        for (const c of child.children) if (c.kind === 'element') problem(c, `send.${c.name}`, `<${c.name}> inside <send> is not supported`);
        const first = cdata[0];
        const template = cdata.map((c) => (c.kind === 'text' ? c.text : '')).join('');
        if (first === undefined || template.trim() === '') {
          problem(at, 'send', '<send> has no message', 'write the message in <![CDATA[ ... ]]>');
          break;
        }
        const firstWord = template.trim().split(/\s/)[0] ?? '';
        const method = firstWord.toUpperCase().startsWith('SIP/') ? undefined : firstWord;
        const cmd: SendCommand = { kind: 'send', ...at, ...rtdMarks, ...jump, template, templateAt: { line: first.line, col: first.col }, method };
        const retrans = attr('retrans');
        if (retrans !== undefined) {
          const ms = parseMs(retrans.value);
          if (ms === undefined || ms <= 0) problem(retrans, 'send.retrans', `retrans must be a positive number of milliseconds, got "${retrans.value}"`);
          else cmd.retransMs = ms;
        }
        for (const tok of scanKeywords(template)) {
          const c = classifyKeyword(tok);
          if ('error' in c) problem(offsetPosition(template, tok.start, cmd.templateAt), 'send', c.error);
          else if (c.keyword.kind === 'value' && (c.keyword.name === 'media_port' || c.keyword.name === 'auto_media_port')) usesMediaPort = true;
        }
        if (method !== undefined && !method.startsWith('[') && method !== 'ACK' && method !== 'CANCEL') lastRequestMethod = method;
        if (method === 'INVITE') lastRequestMethod = 'INVITE';
        commands.push(cmd);
        break;
      }
      case 'recv': {
        const response = attr('response');
        const request = attr('request');
        const optional = attr('optional');
        const cmd: RecvCommand = { kind: 'recv', ...at, ...rtdMarks, ...jump, optional: false };
        if (response === undefined && request === undefined) problem(at, 'recv', '<recv> needs response="..." or request="..."');
        if (response !== undefined && request !== undefined) problem(at, 'recv', '<recv> takes response or request, not both');
        if (response !== undefined) {
          if (!/^[1-6]\d\d$/.test(response.value)) problem(response, 'recv.response', `response must be a status code (100-699), got "${response.value}"`);
          else {
            cmd.response = Number(response.value);
            if (lastRequestMethod !== undefined) cmd.responseToMethod = lastRequestMethod;
          }
        }
        if (request !== undefined) cmd.request = request.value;
        if (optional !== undefined) {
          if (!['true', 'false', 'global'].includes(optional.value)) problem(optional, 'recv.optional', `optional must be true, false or global, got "${optional.value}"`);
          cmd.optional = optional.value !== 'false';
        }
        const timeout = attr('timeout');
        if (timeout !== undefined) {
          const ms = parseMs(timeout.value);
          if (ms === undefined || ms <= 0) problem(timeout, 'recv.timeout', `timeout must be a positive number of milliseconds, got "${timeout.value}"`);
          else cmd.timeoutMs = ms;
        }
        if (attr('ontimeout') !== undefined) cmd.onTimeout = attr('ontimeout')!.value;
        for (const c of child.children) {
          if (c.kind === 'element' && c.name === 'action') warn(c, '<action> inside <recv> is ignored: voiceload runs no regular expressions or variables');
          else if (c.kind === 'element') problem(c, `recv.${c.name}`, `<${c.name}> inside <recv> is not supported`);
        }
        if (commands.length === 0) problem(at, 'recv', 'the scenario starts with <recv>: voiceload runs caller (UAC) scenarios, which start with <send>');
        commands.push(cmd);
        break;
      }
      case 'pause': {
        const ms = attr('milliseconds');
        const parsed = ms === undefined ? undefined : parseMs(ms.value);
        if (ms !== undefined && parsed === undefined) problem(ms, 'pause.milliseconds', `milliseconds must be a number, got "${ms.value}"`);
        commands.push({ kind: 'pause', ...at, ...rtdMarks, ...(parsed === undefined ? {} : { milliseconds: parsed }) });
        break;
      }
      case 'nop':
        commands.push({ kind: 'nop', ...at, ...rtdMarks, media: readNopMedia(child, problem) });
        break;
      case 'label': {
        const id = attr('id');
        if (id === undefined) problem(at, 'label', '<label> needs id="..."');
        else commands.push({ kind: 'label', ...at, id: id.value });
        break;
      }
      default:
        break; // statistics layout elements: accepted, nothing to run
    }
  }
  if (commands.length === 0 && problems.length === 0) problem(root, 'scenario', 'the scenario has no commands');

  const labels = new Map<string, number>();
  commands.forEach((c, i) => {
    if (c.kind !== 'label') return;
    if (labels.has(c.id)) problem(c, 'label', `label "${c.id}" is defined twice`);
    labels.set(c.id, i);
  });
  for (const c of commands) {
    const targets = [...('next' in c && c.next !== undefined ? [c.next] : []), ...(c.kind === 'recv' && c.onTimeout !== undefined ? [c.onTimeout] : [])];
    for (const t of targets) {
      if (!labels.has(t)) {
        const guess = closestWord(t, [...labels.keys()]);
        problem(c, c.kind, `jump to label "${t}", which is not defined${guess === undefined ? '' : `; did you mean "${guess}"?`}`);
      }
    }
  }
  if (problems.length > 0) throw new SippScenarioError(file, sortProblems(problems));
  const name = root.attributes.find((a) => a.name === 'name')?.value ?? file;
  return { file, name, commands, labels, warnings, usesMediaPort };
}

function rtdName(v: string): string {
  return v === 'true' ? '1' : v;
}

/** Milliseconds: a bare integer (SIPp's unit) or a duration with a unit ("2s"). */
function parseMs(v: string): number | undefined {
  if (/^\s*\d+\s*$/.test(v)) return Number(v);
  return /[a-z]\s*$/.test(v) ? tryParseDurationMs(v) : undefined;
}

/** Line and column of `offset` inside a text that starts at `start`. */
export function offsetPosition(text: string, offset: number, start: SourceAt): SourceAt {
  const before = text.slice(0, offset);
  const nl = before.lastIndexOf('\n');
  if (nl < 0) return { line: start.line, col: start.col + offset };
  return { line: start.line + (before.match(/\n/g)?.length ?? 0), col: offset - nl };
}

type Problem = (at: SourceAt, path: string, message: string, hint?: string) => void;

function checkAttributes(el: XmlElement, problem: Problem): void {
  const allowed = ATTRIBUTES[el.name] ?? [];
  for (const a of el.attributes) {
    if (allowed.includes(a.name)) continue;
    if (SIPP_UNSUPPORTED.has(a.name)) {
      problem(a, `${el.name}.${a.name}`, `SIPp attribute ${a.name} on <${el.name}> is not supported by voiceload`);
      continue;
    }
    const guess = closestWord(a.name, allowed);
    problem(a, `${el.name}.${a.name}`, `unknown attribute ${a.name} on <${el.name}>${guess === undefined ? '' : `; did you mean ${guess}?`}`, allowed.length === 0 ? undefined : `allowed: ${allowed.join(', ')}`);
  }
}

function readNopMedia(nop: XmlElement, problem: Problem): MediaAction[] {
  const media: MediaAction[] = [];
  for (const c of nop.children) {
    if (c.kind === 'text') continue;
    if (c.name !== 'action') {
      problem(c, `nop.${c.name}`, `<${c.name}> inside <nop> is not supported (expected <action>)`);
      continue;
    }
    for (const ex of c.children) {
      if (ex.kind === 'text') continue;
      if (ex.name !== 'exec') {
        problem(ex, `action.${ex.name}`, `action <${ex.name}> is not supported (voiceload runs <exec rtp_stream=...> and <exec play_pcap_audio=...>)`);
        continue;
      }
      checkAttributes(ex, problem);
      for (const a of ex.attributes) {
        if (a.name === 'play_pcap_audio') media.push({ kind: 'play_pcap_audio', file: a.value });
        if (a.name !== 'rtp_stream') continue;
        if (a.value === 'pause' || a.value === 'resume') {
          media.push({ kind: 'rtp_stream_control', action: a.value });
          continue;
        }
        const [file = '', loopsText = '1', ptText = '0'] = a.value.split(',').map((s) => s.trim());
        const loops = Number(loopsText);
        const payloadType = Number(ptText);
        if (file === '') problem(a, 'exec.rtp_stream', 'rtp_stream needs a file name');
        else if (!Number.isInteger(loops) || loops === 0 || loops < -1) problem(a, 'exec.rtp_stream', `loops must be a positive count or -1 (forever), got "${loopsText}"`);
        else if (payloadType !== 0 && payloadType !== 8) problem(a, 'exec.rtp_stream', `payload type ${ptText} is not supported (0 = PCMU, 8 = PCMA)`);
        else media.push({ kind: 'rtp_stream', file, loops, payloadType });
      }
    }
  }
  return media;
}
