/**
 * Child process of bench/call-setup.ts --pooled: places N calls one after the other against a UAS the
 * way a load shard does: ONE SIP transport and user agent for all calls, an RTP pair per call from a
 * pool (ephemeral ports), runCallOn. Prints one JSON line with the CPU time the calls took.
 */
import { SystemClock } from '../../src/core/clock.js';
import { loadUtterance } from '../../src/audio/index.js';
import { buildCallConfig } from '../../src/cli/callOptions.js';
import { planCallConfig } from '../../src/engine/planCallConfig.js';
import { resolveTarget, runCallOn } from '../../src/engine/runCall.js';
import { RtpPortPool } from '../../src/load/pooledRtpPorts.js';
import { createUdpTransport } from '../../src/sip/transport/index.js';
import { UserAgent } from '../../src/sip/ua/userAgent.js';

const [uri, countText] = process.argv.slice(2);
const count = Number(countText ?? 100);
const config = buildCallConfig(uri ?? '', { greeting: false }, {});
const clock = new SystemClock();
const steps = planCallConfig(config, (file) => loadUtterance(file));
const dest = await resolveTarget(config.target);
const transport = await createUdpTransport({ host: config.localHost, port: 0, clock });
const ua = new UserAgent({ transport, clock, timers: config.timers });
const pool = new RtpPortPool({ host: config.localHost });

async function oneCall(): Promise<boolean> {
  const pair = await pool.acquire();
  try {
    return (await runCallOn(ua, pair, dest, config, steps, { clock })).outcome === 'completed';
  } finally {
    pool.release(pair);
  }
}

// One warm-up call so the JIT and module loading are not counted.
await oneCall();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let completed = 0;
for (let i = 0; i < count; i++) if (await oneCall()) completed++;
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({ calls: count, completed, cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - t0 }));
await ua.close();
