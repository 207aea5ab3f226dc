import type { VoiceloadError } from '../../../src/core/errors.js';
import type { InboundMessage, SipEndpoint, SipTransport } from '../../../src/sip/transport/transport.js';

/** Collects what a transport delivers and lets a test await the n-th message or error (bounded by the test timeout). */
export function collect(t: SipTransport) {
  const messages: InboundMessage[] = [];
  const errors: Array<{ err: VoiceloadError; dest: SipEndpoint | undefined }> = [];
  let wake: (() => void) | undefined;
  const poke = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  t.onMessage((m) => {
    messages.push(m);
    poke();
  });
  t.onError((err, dest) => {
    errors.push({ err, dest });
    poke();
  });
  const until = async (done: () => boolean): Promise<void> => {
    while (!done()) await new Promise<void>((r) => (wake = r));
  };
  return {
    messages,
    errors,
    messagesAtLeast: (n: number) => until(() => messages.length >= n),
    errorsAtLeast: (n: number) => until(() => errors.length >= n),
  };
}
