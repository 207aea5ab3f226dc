import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { VoiceloadError } from '../core/errors.js';
import type { StageName } from './profile/profile.js';

/** What the agent's gauges read at scrape time. */
export interface AgentGaugeSource {
  activeCalls(): number;
  busyWorkerSlots(): number;
  totalWorkerSlots(): number;
  workersWaiting(): number;
  trunkChannelsInUse(): number;
  stageQueueDepth(stage: StageName): number;
  stageActive(stage: StageName): number;
}

const STAGES = ['stt', 'llm', 'tts'] as const satisfies readonly StageName[];
const LATENCY_BUCKETS_S = [0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10];

/**
 * Prometheus metrics of the simulated agent, in a registry of its own (never the global default, so
 * several agents can live in one process). Counters and histograms are fed by the agent; gauges are
 * read from the model when scraped.
 */
export class AgentMetrics {
  readonly registry = new Registry();
  private readonly calls: Counter<'outcome'>;
  private readonly stageLatency: Histogram<'stage'>;
  private readonly stageQueueWait: Histogram<'stage'>;
  private readonly ttfa: Histogram;

  constructor(source: AgentGaugeSource) {
    const registers = [this.registry];
    this.calls = new Counter({ name: 'voiceload_agent_calls_total', help: 'Calls offered to the agent, by outcome', labelNames: ['outcome'], registers });
    this.stageLatency = new Histogram({
      name: 'voiceload_agent_stage_service_seconds',
      help: 'Simulated provider service time per stage',
      labelNames: ['stage'],
      buckets: LATENCY_BUCKETS_S,
      registers,
    });
    this.stageQueueWait = new Histogram({
      name: 'voiceload_agent_stage_queue_wait_seconds',
      help: 'Time a request waited for the stage (concurrency queue and rate-limit back-off)',
      labelNames: ['stage'],
      buckets: LATENCY_BUCKETS_S,
      registers,
    });
    this.ttfa = new Histogram({
      name: 'voiceload_agent_ttfa_seconds',
      help: "The agent's own time from the caller's speech end to its reply's speech start",
      buckets: LATENCY_BUCKETS_S,
      registers,
    });
    const gauge = (name: string, help: string, read: () => number): void => {
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read());
        },
      });
    };
    gauge('voiceload_agent_active_calls', 'Calls in progress (offered, ringing or talking)', () => source.activeCalls());
    gauge('voiceload_agent_busy_worker_slots', 'Worker job slots in use', () => source.busyWorkerSlots());
    gauge('voiceload_agent_worker_slots', 'Worker job slots in all', () => source.totalWorkerSlots());
    gauge('voiceload_agent_worker_queue', 'Calls waiting for a worker slot', () => source.workersWaiting());
    gauge('voiceload_agent_trunk_channels_in_use', 'Trunk channels in use', () => source.trunkChannelsInUse());
    new Gauge({
      name: 'voiceload_agent_stage_queue_depth',
      help: 'Requests waiting per stage',
      labelNames: ['stage'],
      registers,
      collect() {
        for (const s of STAGES) this.set({ stage: s }, source.stageQueueDepth(s));
      },
    });
    new Gauge({
      name: 'voiceload_agent_stage_active',
      help: 'Requests in service per stage',
      labelNames: ['stage'],
      registers,
      collect() {
        for (const s of STAGES) this.set({ stage: s }, source.stageActive(s));
      },
    });
  }

  callEnded(outcome: string): void {
    this.calls.inc({ outcome });
  }

  stageDone(stage: string, queueWaitMs: number, serviceMs: number): void {
    this.stageQueueWait.observe({ stage }, queueWaitMs / 1000);
    this.stageLatency.observe({ stage }, serviceMs / 1000);
  }

  turnAnswered(ttfaMs: number): void {
    this.ttfa.observe(ttfaMs / 1000);
  }

  /** Serves GET /metrics on host:port (0 = any free port); resolves with the bound port. */
  async serve(host: string, port: number): Promise<{ port: number; close(): Promise<void> }> {
    const server: Server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
        res.writeHead(404).end('not found: GET /metrics\n');
        return;
      }
      this.registry.metrics().then(
        (text) => res.writeHead(200, { 'Content-Type': this.registry.contentType }).end(text),
        (e: unknown) => res.writeHead(500).end(String(e)),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e) => reject(new VoiceloadError('CONFIG', `cannot serve metrics on ${host}:${port}: ${e.message}`, { cause: e })));
      server.listen(port, host, () => resolve());
    });
    const address = server.address();
    const bound = typeof address === 'object' && address !== null ? address.port : port;
    return { port: bound, close: () => new Promise((resolve) => server.close(() => resolve())) };
  }
}
