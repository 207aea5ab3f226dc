import { familyOf, type PromLabel, type PromText } from './promText.js';

/** `\`, `"` and newline escaped as the exposition format wants them in a label value. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** NaN, +Inf, -Inf, or JavaScript's shortest round-trip decimal. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** `name{a="x",b="y"}` (labels in the order given; just `name` without labels): valid exposition syntax. */
export function formatSeriesKey(name: string, labels: readonly PromLabel[]): string {
  if (labels.length === 0) return name;
  return `${name}{${labels.map((l) => `${l.name}="${escapeLabelValue(l.value)}"`).join(',')}}`;
}

/**
 * Pure: Prometheus text exposition (0.0.4) of `text`. Each family's `# HELP` and `# TYPE` go just
 * before its first sample; metadata of families without samples comes last. parsePrometheusText of
 * the result gives `text` back.
 */
export function formatPrometheusText(text: PromText): string {
  const lines: string[] = [];
  const written = new Set<string>();
  const metadata = (family: string): void => {
    if (written.has(family)) return;
    written.add(family);
    const help = text.help.get(family);
    if (help !== undefined) lines.push(`# HELP ${family} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`.trimEnd());
    const type = text.types.get(family);
    if (type !== undefined) lines.push(`# TYPE ${family} ${type}`);
  };
  for (const s of text.samples) {
    metadata(familyOf(s.name, text.types));
    lines.push(`${formatSeriesKey(s.name, s.labels)} ${formatValue(s.value)}${s.timestamp === undefined ? '' : ` ${s.timestamp}`}`);
  }
  for (const family of [...text.help.keys(), ...text.types.keys()]) metadata(family);
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
