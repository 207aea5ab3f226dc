/**
 * `npm run bench`: every benchmark under bench/, one after the other. Benchmarks print numbers and
 * ratios against SIPp or werift measured in the same run; they assert nothing.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const benches = ['sip-parse.ts', 'rtp-header.ts', 'call-setup.ts'];
for (const b of benches) {
  console.log(`\n== bench/${b}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(b, import.meta.url))], { stdio: 'inherit' });
  if (r.status !== 0) process.exitCode = 1;
}
