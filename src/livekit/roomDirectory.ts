import type { Clock } from '../core/clock.js';
import { TEST_ID_ATTRIBUTE } from './roomObservationRecorder.js';

/** The two RoomService calls the directory needs (the server SDK adapter, or a fake). Errors propagate. */
export interface RoomListing {
  listRoomNames(): Promise<string[]>;
  listParticipants(room: string): Promise<{ identity: string; attributes: Readonly<Record<string, string>> }[]>;
}

/** Finds a call's room from its test id: one attempt, null when not (yet) there; throws when LiveKit cannot be asked. */
export interface RoomLocator {
  locate(testId: string): Promise<string | null>;
  /** The call is over: its entry may go. */
  forget(testId: string): void;
}

export interface RoomDirectoryOptions {
  listing: RoomListing;
  /** The dispatch rule's room prefix: other rooms are never looked into. '' looks into all. */
  roomPrefix: string;
  clock: Clock;
  /** Concurrent lookups within this long of a listing share it instead of listing again. Default 500. */
  minRefreshIntervalMs?: number;
  /** At most this many listParticipants requests at once. Default 4. */
  maxParallelRequests?: number;
}

/**
 * test id → room, for many calls at once. LiveKit SIP puts each call in its own room and gives the
 * SIP participant the attribute `lktest.id`; RoomService can only list, so one listing of the rooms
 * (shared by every call looking at the time) and one listParticipants per room not yet known
 * replace a search per call. A room's test id never changes, so a known room is not asked again.
 */
export class RoomDirectory implements RoomLocator {
  private readonly o: Required<Omit<RoomDirectoryOptions, 'listing' | 'clock'>> & Pick<RoomDirectoryOptions, 'listing' | 'clock'>;
  private readonly roomOf = new Map<string, string>();
  /** Rooms whose SIP participant has been seen (its test id is in roomOf). */
  private readonly known = new Set<string>();
  private inFlight: Promise<void> | undefined;
  private lastRefreshAtMs = -Infinity;

  constructor(options: RoomDirectoryOptions) {
    this.o = { minRefreshIntervalMs: 500, maxParallelRequests: 4, ...options };
  }

  async locate(testId: string): Promise<string | null> {
    const cached = this.roomOf.get(testId);
    if (cached !== undefined) return cached;
    if (this.inFlight === undefined && this.o.clock.nowMs() - this.lastRefreshAtMs >= this.o.minRefreshIntervalMs) {
      this.inFlight = this.refresh().finally(() => {
        this.inFlight = undefined;
        this.lastRefreshAtMs = this.o.clock.nowMs();
      });
    }
    if (this.inFlight !== undefined) await this.inFlight;
    return this.roomOf.get(testId) ?? null;
  }

  forget(testId: string): void {
    // The room stays known (not asked again while it lives); only the entry goes.
    this.roomOf.delete(testId);
  }

  private async refresh(): Promise<void> {
    const listed = (await this.o.listing.listRoomNames()).filter((n) => n.startsWith(this.o.roomPrefix));
    const alive = new Set(listed);
    for (const room of this.known) if (!alive.has(room)) this.known.delete(room);
    const names = listed.filter((n) => !this.known.has(n));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < names.length) {
        const room = names[next++]!;
        for (const p of await this.o.listing.listParticipants(room)) {
          const id = p.attributes[TEST_ID_ATTRIBUTE];
          if (id === undefined || id === '') continue;
          this.roomOf.set(id, room);
          this.known.add(room);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.o.maxParallelRequests, names.length) }, worker));
  }
}
