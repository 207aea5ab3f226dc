/**
 * Child process of bench/call-setup.ts: places N calls one after the other against a UAS (no greeting,
 * no turns: INVITE → 200 → ACK → BYE) and prints one JSON line with the CPU time the calls took.
 */
import { SystemClock } from '../../src/core/clock.js';
import { buildCallConfig } from '../../src/cli/callOptions.js';
import { runCall } from '../../src/engine/runCall.js';

const [uri, countText] = process.argv.slice(2);
const count = Number(countText ?? 100);
const config = buildCallConfig(uri ?? '', { greeting: false }, {});
const clock = new SystemClock();
// One warm-up call so the JIT and module loading are not counted.
await runCall(config, { clock });
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let completed = 0;
for (let i = 0; i < count; i++) {
  const r = await runCall(config, { clock });
  if (r.outcome === 'completed') completed++;
}
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({ calls: count, completed, cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - t0 }));
