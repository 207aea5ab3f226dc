import type { Clock } from '../core/clock.js';
import type { CallObserver } from '../load/callObserver.js';
import type { CallRecord, ObservedRoom, TurnStageBreakdown } from '../load/loadTypes.js';
import { callerTurnsFromRecord } from './callerTurns.js';
import type { LivekitCredentials } from './livekitCredentials.js';
import { matchTurnStages, type StageMatchCounts, type TurnStages } from './matchTurnStages.js';
import { ObserverPool, type ConnectObserver, type ObservationStatus, type ObserverWarningKey } from './observerPool.js';
import { RoomDirectory, type RoomListing } from './roomDirectory.js';

export interface LivekitObserverSettings {
  /** The dispatch rule's room prefix (`voiceload livekit setup --room-prefix`, default `vl-`); '' looks in every room. */
  roomPrefix: string;
  /** At most this many rooms observed at once; calls beyond it run unobserved (counted). */
  maxRooms: number;
  clock: Clock;
  /** Speech detector of the agent's track at the room side: as the caller side's. */
  minSpeechMs?: number;
  endSilenceMs?: number;
  /** Said once per kind (LiveKit unreachable, a room not found, a join timing out). */
  onWarning: (message: string) => void;
}

/** What the run observed, for its closing line. */
export interface LivekitObserverStats {
  calls: number;
  byStatus: Partial<Record<ObservationStatus, number>>;
  turns: number;
  turnsWithStages: number;
  unmatched: StageMatchCounts;
}

export interface LivekitCallObserver extends CallObserver {
  stats(): LivekitObserverStats;
}

/**
 * `run --livekit` with the real SDKs: room listing through livekit-server-sdk, the hidden observer
 * through @livekit/rtc-node (both loaded here, only when asked for).
 */
export async function createLivekitCallObserver(credentials: LivekitCredentials, settings: LivekitObserverSettings): Promise<LivekitCallObserver> {
  const { createServerRoomListing } = await import('./serverRoomListing.js');
  const { createRtcObserverConnector } = await import('./rtcRoomConnector.js');
  const epochNowMs = (): number => performance.timeOrigin + settings.clock.nowMs();
  const listing = await createServerRoomListing(credentials);
  const connect = await createRtcObserverConnector({ ...credentials, epochNowMs });
  return observeCalls(listing, connect, settings);
}

/**
 * The CallObserver over an observer pool: a call's room is looked up when the call is answered
 * (LiveKit answers once the agent is in the room), left when it ends, and what was published there
 * is matched to the call's turns (matchTurnStages) into `turnStages`. Seams injected, for tests.
 */
export function observeCalls(listing: RoomListing, connect: ConnectObserver, settings: LivekitObserverSettings): LivekitCallObserver {
  const pool = new ObserverPool({
    locator: new RoomDirectory({ listing, roomPrefix: settings.roomPrefix, clock: settings.clock }),
    connect,
    clock: settings.clock,
    epochNowMs: () => performance.timeOrigin + settings.clock.nowMs(),
    maxConnections: settings.maxRooms,
    ...(settings.minSpeechMs === undefined ? {} : { minSpeechMs: settings.minSpeechMs }),
    ...(settings.endSilenceMs === undefined ? {} : { endSilenceMs: settings.endSilenceMs }),
    onWarning: (_key: ObserverWarningKey, message: string) => settings.onWarning(message),
  });
  const stats: LivekitObserverStats = { calls: 0, byStatus: {}, turns: 0, turnsWithStages: 0, unmatched: emptyUnmatched() };
  return {
    callAnswered: (testId) => pool.callStarted(testId),
    async callEnded(record: CallRecord, runStartEpochMs: number): Promise<CallRecord> {
      if (record.testId === null) return record;
      try {
        const observed = await pool.callEnded(record.testId);
        stats.calls++;
        stats.byStatus[observed.status] = (stats.byStatus[observed.status] ?? 0) + 1;
        stats.turns += record.ttfaMs.length;
        const obs = observed.observation;
        const toRunMs = (epochMs: number): number => epochMs - runStartEpochMs;
        const livekitRoom: ObservedRoom = {
          status: observed.status,
          name: observed.roomName,
          agentJoinedAtMs: obs?.agentJoinedAtEpochMs == null ? null : toRunMs(obs.agentJoinedAtEpochMs),
          agentStates: (obs?.stateChanges ?? []).map((c) => ({ state: c.state, atMs: toRunMs(c.atEpochMs) })),
        };
        if (obs === null) return { ...record, livekitRoom };
        const match = matchTurnStages(callerTurnsFromRecord(record, runStartEpochMs), obs);
        for (const [k, v] of Object.entries(match.unmatched) as [keyof StageMatchCounts, number][]) stats.unmatched[k] += v;
        const byTurn = new Map(match.turns.map((t) => [t.turnIndex, t]));
        const turnStages = record.ttfaMs.map((_, i) => breakdownOf(byTurn.get(i)));
        stats.turnsWithStages += turnStages.filter((t) => t !== null).length;
        return { ...record, turnStages, livekitRoom };
      } catch {
        // The observation is extra: a call never loses its record because of it.
        return record;
      }
    },
    close: async () => {
      await pool.close();
    },
    stats: () => ({ ...stats, byStatus: { ...stats.byStatus }, unmatched: { ...stats.unmatched } }),
  };
}

/** A turn with at least one stage the agent reported; null otherwise. */
function breakdownOf(t: TurnStages | undefined): TurnStageBreakdown | null {
  if (t === undefined) return null;
  const b: TurnStageBreakdown = {
    eouDelayMs: t.eouDelayMs,
    transcriptionDelayMs: t.transcriptionDelayMs,
    sttMs: t.sttMs,
    llmTtftMs: t.llmTtftMs,
    ttsTtfbMs: t.ttsTtfbMs,
    transportRemainderMs: t.transportRemainderMs,
    bridgeDelayMs: t.bridgeDelayMs,
  };
  return Object.values(b).some((v) => v !== null) ? b : null;
}

function emptyUnmatched(): StageMatchCounts {
  return { duplicateRecords: 0, foreignRecords: 0, outsideWindowRecords: 0, ambiguousRecords: 0, turnsWithoutRecord: 0, malformedPackets: 0 };
}

/** One line for the end of a run: how many calls were observed and turns explained. */
export function formatLivekitObserverStats(s: LivekitObserverStats): string {
  const statuses = Object.entries(s.byStatus)
    .filter(([k]) => k !== 'observed')
    .map(([k, n]) => `${n} ${k.replace(/_/g, ' ')}`);
  const unmatched = s.unmatched.turnsWithoutRecord === 0 ? '' : `; ${s.unmatched.turnsWithoutRecord} turns without the agent's metrics`;
  return `livekit: observed ${s.byStatus.observed ?? 0} of ${s.calls} calls${statuses.length === 0 ? '' : ` (${statuses.join(', ')})`}, stage breakdown for ${s.turnsWithStages} of ${s.turns} turns${unmatched}`;
}
