import type { CallEvent } from '../engine/callEvents.js';

/** One progress line per call event (stderr, with --verbose). */
export function formatCallEvent(ev: CallEvent): string {
  const at = `${(ev.atMs / 1000).toFixed(3)}s`;
  switch (ev.type) {
    case 'invite_sent':
      return `${at} INVITE ${ev.target}`;
    case 'provisional':
      return `${at} ${ev.status}`;
    case 'answered':
      return `${at} answered (${ev.codec})`;
    case 'agent_speech_start':
      return `${at} agent starts speaking (${ev.turn === 'greeting' ? 'greeting' : `turn ${ev.turn + 1}`})`;
    case 'agent_speech_end':
      return `${at} agent stops speaking (${ev.turn === 'greeting' ? 'greeting' : `turn ${ev.turn + 1}`})`;
    case 'caller_speech_end':
      return `${at} caller stops speaking (turn ${ev.turn + 1})`;
    case 'hangup':
      return `${at} BYE from ${ev.by === 'local' ? 'voiceload' : 'the agent'}`;
    case 'failed':
      return `${at} failed: ${ev.reason}: ${ev.text}`;
  }
}
