import type { CallRecord } from './loadTypes.js';

/**
 * Something that watches each call from the agent's side while the load runs (e.g. `run --livekit`:
 * a hidden participant in the call's LiveKit room) and adds what it saw to the call's record. The
 * coordinator holds a call's record until `callEnded` resolves, so its results carry it.
 */
export interface CallObserver {
  /** The call was answered; `testId` is its X-Lk-Test-Id (the key to its room). */
  callAnswered(testId: string): void;
  /**
   * The call ended: resolves with the record to keep (the same one, or a copy with `turnStages`).
   * Must never reject and must settle in bounded time (the run's results wait for it).
   */
  callEnded(record: CallRecord, runStartEpochMs: number): Promise<CallRecord>;
  /** The run is over: release every connection. */
  close(): Promise<void>;
}
