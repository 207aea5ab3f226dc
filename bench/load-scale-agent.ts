/**
 * The far end of bench/load-scale.ts and bench/load-vs-sipp.ts: the simulated agent in its own
 * process (so the generator's CPU numbers are the generator's own), writing its truth file (NDJSON)
 * to `--truth=PATH`. Its profile has no limit that could refuse or queue a call at the bench's
 * sizes (trunk, workers, stage concurrency and the LLM rate limit raised), short set-up times so
 * calls ramp quickly, and the per-frame CPU cost off. Forked with an IPC channel:
 *
 *   → { type: 'listening', port }
 *   ← { type: 'sample' }    → { type: 'sample', cpuUs, rssBytes, activeCalls, media }
 *   ← { type: 'end' }       → { type: 'final', stats }  after agent.stop() (truth file flushed), then exit
 *
 * Run only by the benches: node --import tsx bench/load-scale-agent.ts --truth=PATH
 */
import { startAgent, type AgentStats } from '../src/agent/simulatedAgent.js';
import { resolveProfile } from '../src/agent/profile/resolveProfile.js';
import type { MediaSchedulerSnapshot } from '../src/media/mediaScheduler.js';

export type LoadAgentMessage =
  | { type: 'listening'; port: number }
  | { type: 'sample'; cpuUs: number; rssBytes: number; activeCalls: number; media: MediaSchedulerSnapshot }
  | { type: 'final'; stats: AgentStats };

const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const truthPath = arg('truth');
if (truthPath === undefined) throw new Error('--truth=PATH is required');

const profile = resolveProfile({
  name: 'bench-load-scale',
  seed: 1,
  trunk: { channels: 100_000, overflowStatus: 503 },
  signalling: { ringingIntervalMs: 1000, dispatchMs: { median: 60, p95: 120 }, joinMs: { median: 40, p95: 80 } },
  workers: { count: 400, jobsPerWorker: 50, slotWaitMs: 5000, rejectStatus: 503, cpuPerFrameUs: 0 },
  conversation: { endpointingMs: 500, greeting: true, bargeInStopMs: 200, rtpTimeoutMs: 15_000, replyEndSilenceMs: 700 },
  stages: {
    stt: { latencyMs: { median: 120, p95: 250 }, concurrency: 100_000 },
    llm: { latencyMs: { median: 450, p95: 900 }, concurrency: 100_000 },
    tts: { latencyMs: { median: 150, p95: 300 }, concurrency: 100_000 },
  },
});

// The bench may be gone (killed, or it gave up waiting): nothing to report to then.
const send = (m: LoadAgentMessage): void => {
  if (process.connected) process.send?.(m);
};
const agent = await startAgent({ host: '127.0.0.1', port: 0, profile, truthPath });
send({ type: 'listening', port: agent.port });

process.on('message', (m: { type: string }) => {
  if (m.type === 'sample') {
    const cpu = process.cpuUsage();
    send({ type: 'sample', cpuUs: cpu.user + cpu.system, rssBytes: process.memoryUsage.rss(), activeCalls: agent.stats().activeCalls, media: agent.mediaStats() });
  } else if (m.type === 'end') {
    void agent.stop().then(() => {
      send({ type: 'final', stats: agent.stats() });
      process.disconnect();
      setTimeout(() => process.exit(0), 100).unref();
    });
  }
});
