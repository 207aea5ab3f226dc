import type { Scenario } from './scenario.js';
import type { Template } from './template.js';
import { templateNames } from './template.js';

/** Things that are valid but probably not what was meant, as `file:line:col: message`. */
export function lintScenario(s: Scenario): string[] {
  const warnings: string[] = [];
  const where = (at: { line: number; col: number }): string => `${s.file}:${at.line}:${at.col}`;
  const last = s.steps[s.steps.length - 1];
  if (last !== undefined && last.kind !== 'hangup' && last.kind !== 'wait_hangup') {
    warnings.push(`${where(last.at)}: the last step is ${last.kind}: voiceload hangs up right after it (end with \`hangup: {}\` to say so, or \`wait_hangup\` to let the agent end the call)`);
  }
  s.steps.forEach((step, i) => {
    const next = s.steps[i + 1];
    if (step.kind === 'silence' && next?.kind === 'silence') warnings.push(`${where(next.at)}: two silences in a row add up; one silence step says it more clearly`);
  });
  if (s.data !== undefined) {
    const used = new Set(allTemplates(s).flatMap((t) => templateNames(t).map((n) => n.name)));
    if (!s.data.columns.some((c) => used.has(c))) {
      warnings.push(`${s.file}: data ${s.data.file} is read but no template uses its columns (${s.data.columns.join(', ')})`);
    }
  }
  return warnings;
}

function allTemplates(s: Scenario): Template[] {
  return [
    s.from,
    ...(s.to === undefined ? [] : [s.to]),
    ...(s.authUser === undefined ? [] : [s.authUser]),
    ...s.headers.map((h) => h.value),
    ...s.steps.flatMap((st) => (st.kind === 'say' || st.kind === 'barge_in' ? st.utterance.choices.flatMap((c) => (c.kind === 'text' ? [c.text] : [])) : [])),
  ];
}
