import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Clock, TimerHandle } from '../core/clock.js';
import { VoiceloadError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { loadAudio } from '../audio/loadAudio.js';
import { resample } from '../audio/resample.js';
import { codecFor } from '../media/g711.js';
import { RtpSession } from '../media/rtpSession.js';
import { bindRtpPortPair, closeRtpPortPair, type UdpPortPair } from '../media/udpPortPair.js';
import type { SipEndpoint } from '../sip/transport/transport.js';
import { readPcapRtp, type PcapRtpPacket } from './pcapAudio.js';
import type { SippCallMedia, SippMediaFactory } from './sippCallMedia.js';
import type { MediaAction, SippScenario } from './sippScenario.js';

/** The scenario's media files, read and decoded once before the run: calls share them. */
export interface SippMediaFiles {
  /** rtp_stream file (as written) + payload type → 8 kHz PCM. */
  pcm: Map<string, Int16Array>;
  /** play_pcap_audio file (as written) → packets. */
  pcap: Map<string, PcapRtpPacket[]>;
}

/**
 * Where a media file named in a scenario is: relative to the scenario's folder, else to the working
 * directory (where SIPp looks).
 */
export function resolveMediaPath(file: string, scenarioDir: string): string {
  if (isAbsolute(file)) return file;
  const beside = resolve(scenarioDir, file);
  return existsSync(beside) ? beside : resolve(file);
}

function key(file: string, payloadType: number): string {
  return `${payloadType}:${file}`;
}

/**
 * Loads every rtp_stream / play_pcap_audio file of the scenario. A .wav (or another format ffmpeg
 * reads) is decoded and resampled to 8 kHz; any other rtp_stream file is raw G.711 bytes of the
 * given payload type (SIPp 3.6's format), decoded here and re-encoded by the RTP session.
 */
export function loadSippMediaFiles(scenario: SippScenario, scenarioDir: string): SippMediaFiles {
  const files: SippMediaFiles = { pcm: new Map(), pcap: new Map() };
  for (const action of scenario.commands.flatMap((c) => (c.kind === 'nop' ? c.media : []))) {
    if (action.kind === 'rtp_stream') {
      const k = key(action.file, action.payloadType);
      if (files.pcm.has(k)) continue;
      const path = resolveMediaPath(action.file, scenarioDir);
      if (/\.(wav|mp3|ogg|flac|m4a)$/i.test(path)) {
        const audio = loadAudio(path);
        files.pcm.set(k, resample(audio.samples, audio.sampleRate, 8000));
      } else {
        let bytes: Buffer;
        try {
          bytes = readFileSync(path);
        } catch (e) {
          throw new VoiceloadError('AUDIO_FILE', `cannot read rtp_stream file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { cause: e });
        }
        files.pcm.set(k, codecFor(action.payloadType === 8 ? 'PCMA' : 'PCMU').decode(bytes));
      }
    } else if (action.kind === 'play_pcap_audio' && !files.pcap.has(action.file)) {
      const path = resolveMediaPath(action.file, scenarioDir);
      let bytes: Buffer;
      try {
        bytes = readFileSync(path);
      } catch (e) {
        throw new VoiceloadError('AUDIO_FILE', `cannot read play_pcap_audio file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { cause: e });
      }
      files.pcap.set(action.file, readPcapRtp(bytes, path));
    }
  }
  return files;
}

export interface SippMediaOptions {
  clock: Clock;
  localHost: string;
  files: SippMediaFiles;
  logger?: Logger;
  /** Where each call's RTP/RTCP pair comes from (a load shard's pool); its ports go back once closed. Default: an ephemeral pair. */
  ports?: SippMediaPorts;
}

/** A source of RTP/RTCP port pairs (the load engine's RtpPortPool fits). */
export interface SippMediaPorts {
  acquire(): Promise<UdpPortPair>;
  /** Called after the pair's sockets are closed. */
  release(pair: UdpPortPair): void;
}

/** Binds an RTP/RTCP port pair per call ([media_port]) and plays the scenario's media on it. */
export function createSippMediaFactory(o: SippMediaOptions): SippMediaFactory {
  return async () => {
    const pair = o.ports === undefined ? await bindRtpPortPair({ host: o.localHost }) : await o.ports.acquire();
    let session: RtpSession | undefined;
    let loopsLeft = 0;
    let current: { pcm: Int16Array; id: string } | undefined;
    const timers = new Set<TimerHandle>();
    const media: SippCallMedia = {
      port: pair.rtpPort,
      run(action: MediaAction, remote: SipEndpoint | undefined): void {
        if (action.kind === 'rtp_stream_control') {
          if (action.action === 'pause') session?.stopUtterance();
          else if (current !== undefined && session !== undefined) session.queueUtterance({ id: current.id, pcm: current.pcm, speechEndSample: current.pcm.length });
          return;
        }
        if (remote === undefined) throw new VoiceloadError('MEDIA_TRANSPORT', 'no SDP received yet: there is no address to send media to');
        if (action.kind === 'play_pcap_audio') {
          for (const p of o.files.pcap.get(action.file) ?? []) {
            const t = o.clock.setTimer(p.offsetMs, () => {
              timers.delete(t);
              pair.rtp.send(p.payload, remote.port, remote.host);
            });
            timers.add(t);
          }
          return;
        }
        const pcm = o.files.pcm.get(key(action.file, action.payloadType));
        if (pcm === undefined) throw new VoiceloadError('INTERNAL', `rtp_stream file ${action.file} was not loaded`);
        if (session === undefined) {
          session = RtpSession.attach(pair, { clock: o.clock, codec: codecFor(action.payloadType === 8 ? 'PCMA' : 'PCMU'), ...(o.logger === undefined ? {} : { logger: o.logger }) });
          session.onUtteranceSent(() => {
            // -1 loops forever; otherwise the file plays `loops` times in all.
            if (current === undefined || loopsLeft === 0) return;
            if (loopsLeft > 0) loopsLeft--;
            session?.queueUtterance({ id: current.id, pcm: current.pcm, speechEndSample: current.pcm.length });
          });
        }
        session.setRemote({ host: remote.host, port: remote.port });
        current = { pcm, id: action.file };
        loopsLeft = action.loops < 0 ? -1 : action.loops - 1;
        session.stopUtterance();
        session.queueUtterance({ id: action.file, pcm, speechEndSample: pcm.length });
        if (!started) {
          session.start();
          started = true;
        }
      },
      async close(): Promise<void> {
        for (const t of timers) t.cancel();
        timers.clear();
        try {
          if (session !== undefined) await session.close();
          else await closeRtpPortPair(pair);
        } finally {
          o.ports?.release(pair);
        }
      },
    };
    let started = false;
    return media;
  };
}
