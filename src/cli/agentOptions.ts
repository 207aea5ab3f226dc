import { VoiceloadError } from '../core/errors.js';

export interface RawAgentOptions {
  listen?: string;
  transport?: string;
  profile?: string;
  truth?: string;
  metricsPort?: string;
}

export interface AgentCliConfig {
  host: string;
  port: number;
  transport: 'udp' | 'tcp';
  profile: string;
  truthPath?: string;
  metricsPort?: number;
}

/** Pure: `voiceload agent` options → what startAgent needs; every problem reported at once. */
export function buildAgentConfig(raw: RawAgentOptions): AgentCliConfig {
  const problems: string[] = [];
  const listen = raw.listen ?? '127.0.0.1:5060';
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(listen);
  let host = '127.0.0.1';
  let port = 5060;
  if (m === null) problems.push(`--listen "${listen}" is not host:port (e.g. 127.0.0.1:5060 or [::1]:5060)`);
  else {
    host = m[1] ?? m[2] ?? host;
    port = Number(m[3]);
    if (port > 65535) problems.push(`--listen port ${port} is out of range`);
  }
  const transport = (raw.transport ?? 'udp').toLowerCase();
  if (transport !== 'udp' && transport !== 'tcp') problems.push(`--transport must be udp or tcp, not "${raw.transport}"`);
  let metricsPort: number | undefined;
  if (raw.metricsPort !== undefined) {
    metricsPort = Number(raw.metricsPort);
    if (!Number.isInteger(metricsPort) || metricsPort < 0 || metricsPort > 65535) problems.push(`--metrics-port must be 0..65535, not "${raw.metricsPort}"`);
  }
  if (problems.length > 0) throw new VoiceloadError('CLI_USAGE', problems.join('\n'), { hint: 'run `voiceload agent --help` for the options' });
  const config: AgentCliConfig = { host, port, transport: transport === 'tcp' ? 'tcp' : 'udp', profile: raw.profile ?? 'healthy' };
  if (raw.truth !== undefined) config.truthPath = raw.truth;
  if (metricsPort !== undefined) config.metricsPort = metricsPort;
  return config;
}
