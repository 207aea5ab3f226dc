/** What a running call reports while it runs; presentation (progress lines, logs) listens, the call never prints. */
export type CallEvent =
  | { type: 'invite_sent'; atMs: number; target: string }
  | { type: 'provisional'; atMs: number; status: number }
  | { type: 'answered'; atMs: number; codec: string }
  | { type: 'agent_speech_start'; atMs: number; turn: number | 'greeting' }
  | { type: 'agent_speech_end'; atMs: number; turn: number | 'greeting' }
  | { type: 'caller_speech_end'; atMs: number; turn: number }
  | { type: 'hangup'; atMs: number; by: 'local' | 'remote' }
  | { type: 'failed'; atMs: number; reason: string; text: string };

export type CallEventListener = (event: CallEvent) => void;
