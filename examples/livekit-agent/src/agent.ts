import { cli, defineAgent, ServerOptions, type JobContext } from '@livekit/agents';
import { fileURLToPath } from 'node:url';
import { publishVoiceloadMetrics } from 'voiceload/livekit-agent';
import { fakeLatenciesFromEnv } from './fakeLatencies.js';
import { createFakeAgent, createFakeAgentSession } from './fakeAgentSession.js';

/**
 * voiceload's reference agent: a LiveKit Agents worker whose STT, LLM and TTS are fakes with known
 * latencies, publishing the per-turn metrics voiceload's observer reads.
 */
export default defineAgent({
  entry: async (ctx: JobContext) => {
    await ctx.connect();
    const session = createFakeAgentSession({ latencies: fakeLatenciesFromEnv() });
    const detach = publishVoiceloadMetrics(session, ctx.room);
    ctx.addShutdownCallback(async () => detach());
    await session.start({ agent: createFakeAgent(), room: ctx.room });
  },
});

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  fakeLatenciesFromEnv(); // fail fast on a bad value
  cli.runApp(
    new ServerOptions({
      agent: fileURLToPath(import.meta.url),
      ...(process.env['LIVEKIT_AGENT_NAME'] ? { agentName: process.env['LIVEKIT_AGENT_NAME'] } : {}),
    }),
  );
}
