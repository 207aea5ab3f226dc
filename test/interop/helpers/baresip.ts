import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PeerProcess } from './peerProcess.js';
import { freePort, waitUntilListeningUdp } from './ports.js';

export interface Baresip {
  port: number;
  uri: string;
  process: PeerProcess;
  /** Stops baresip and removes its configuration folder. */
  stop(): Promise<void>;
}

/**
 * baresip 1.0 as an auto-answering UAS on 127.0.0.1 that plays `wav` (8 kHz mono 16-bit) as its
 * microphone and hangs up when the file ends. Only the g711, aufile and account modules are loaded.
 */
export async function startBaresip(wav: string, lifetimeS = 25): Promise<Baresip> {
  const dir = mkdtempSync(join(tmpdir(), 'voiceload-baresip-'));
  const port = await freePort();
  const rtpBase = 20000 + 2 * Math.floor(Math.random() * 10000);
  writeFileSync(
    join(dir, 'config'),
    [
      'poll_method poll',
      `sip_listen 127.0.0.1:${port}`,
      'net_interface 127.0.0.1',
      `audio_source aufile,${wav}`,
      'audio_player aufile,/dev/null',
      'audio_alert aufile,/dev/null',
      'ausrc_srate 8000',
      'ausrc_channels 1',
      'auplay_srate 8000',
      'auplay_channels 1',
      `rtp_ports ${rtpBase}-${rtpBase + 40}`,
      'module_path /usr/lib/baresip/modules',
      'module g711.so',
      'module aufile.so',
      'module_tmp account.so',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'accounts'), '<sip:uas@127.0.0.1>;regint=0;answermode=auto\n');
  const proc = new PeerProcess('baresip', ['-f', dir, '-t', String(lifetimeS)], { deadlineMs: (lifetimeS + 5) * 1000 });
  await waitUntilListeningUdp(port, proc);
  return {
    port,
    uri: `sip:uas@127.0.0.1:${port}`,
    process: proc,
    stop: async () => {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
