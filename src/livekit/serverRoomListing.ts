import type { RoomListing } from './roomDirectory.js';

export interface ServerRoomListingOptions {
  url: string;
  apiKey: string;
  apiSecret: string;
}

/** The RoomService calls of {@link RoomListing} over livekit-server-sdk (loaded on first use only). */
export async function createServerRoomListing(o: ServerRoomListingOptions): Promise<RoomListing> {
  const { RoomServiceClient } = await import('livekit-server-sdk');
  // The SDK turns ws(s):// into http(s):// itself.
  const client = new RoomServiceClient(o.url, o.apiKey, o.apiSecret);
  return {
    listRoomNames: async () => (await client.listRooms()).map((r) => r.name),
    listParticipants: async (room) => (await client.listParticipants(room)).map((p) => ({ identity: p.identity, attributes: { ...p.attributes } })),
  };
}
