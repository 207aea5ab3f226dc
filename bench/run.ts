/**
 * `npm run bench`: every benchmark under bench/, one after the other. Benchmarks print numbers and
 * ratios against SIPp or werift measured in the same run; they assert nothing.
 *
 * By default the scale benchmarks run small (a few hundred calls for a few seconds) so the whole
 * set stays under about three minutes; `--full` runs them at their own full-size defaults (1,000
 * calls; several minutes). `--only=NAME[,NAME]` runs just those (e.g. `--only=agent-capacity`).
 *   npm run bench [-- --full] [-- --only=agent-capacity,media-scale]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const full = process.argv.includes('--full');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');

/** Each bench with its small arguments (used unless --full). */
const benches: Array<{ file: string; small: string[] }> = [
  { file: 'sip-parse.ts', small: [] },
  { file: 'rtp-header.ts', small: [] },
  { file: 'call-setup.ts', small: [] },
  { file: 'media-scale.ts', small: ['200', '4', '--sipp-calls=50', '--sipp-seconds=4'] },
  { file: 'agent-capacity.ts', small: ['200', '--rate=100', '--hold=8', '--sipp-rtp=200'] },
  { file: 'load-scale.ts', small: ['--levels=50,100', '--window=5', '--settle=6'] },
  { file: 'load-vs-sipp.ts', small: ['--calls=100', '--hold=7', '--rate=100', '--sig-calls=400'] },
];

for (const b of benches) {
  if (only !== undefined && !only.some((o) => b.file === o || b.file === `${o}.ts`)) continue;
  const args = full ? [] : b.small;
  console.log(`\n== bench/${b.file} ${args.join(' ')}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(b.file, import.meta.url)), ...args], { stdio: 'inherit' });
  if (r.status !== 0) process.exitCode = 1;
}
