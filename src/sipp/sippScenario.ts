/** Where a command is in the scenario file (1-based). */
export interface SourceAt {
  line: number;
  col: number;
}

/** Timers SIPp names "response time durations": `rtd="true"` is timer "1". */
export interface RtdMarks {
  /** Starts (restarts) this timer when the command runs. */
  startRtd?: string;
  /** Stops this timer when the command runs; its value is the call's result for that name. */
  rtd?: string;
}

/** Jumps after a command: to `next` (when `test` names a variable that is set, or always without test). */
export interface Jump {
  next?: string;
  test?: string;
}

export interface SendCommand extends SourceAt, RtdMarks, Jump {
  kind: 'send';
  /** The CDATA exactly as written (keywords unreplaced). */
  template: string;
  /** Where the template's first character is, for positions of keywords inside it. */
  templateAt: SourceAt;
  /** First word of the template: a request method, or undefined for a response (`SIP/2.0 ...`). */
  method: string | undefined;
  /** UDP retransmission T1 for this message (retrans="..."); absent: the run's default. */
  retransMs?: number;
}

export interface RecvCommand extends SourceAt, RtdMarks, Jump {
  kind: 'recv';
  response?: number;
  request?: string;
  /** The method of the request sent last before this <recv response>: a response must carry it in CSeq. */
  responseToMethod?: string;
  optional: boolean;
  timeoutMs?: number;
  onTimeout?: string;
}

export interface PauseCommand extends SourceAt, RtdMarks {
  kind: 'pause';
  /** Absent: the run's default pause (-d). */
  milliseconds?: number;
}

/** `rtp_stream="file[,loops[,payload type]]"` or `play_pcap_audio="file"`; `pause`/`resume` control a stream. */
export type MediaAction =
  | { kind: 'rtp_stream'; file: string; loops: number; payloadType: number }
  | { kind: 'rtp_stream_control'; action: 'pause' | 'resume' }
  | { kind: 'play_pcap_audio'; file: string };

export interface NopCommand extends SourceAt, RtdMarks {
  kind: 'nop';
  media: MediaAction[];
}

export interface LabelCommand extends SourceAt {
  kind: 'label';
  id: string;
}

export type SippCommand = SendCommand | RecvCommand | PauseCommand | NopCommand | LabelCommand;

/** A SIPp XML scenario, checked: every label exists, every keyword is known. */
export interface SippScenario {
  file: string;
  name: string;
  commands: SippCommand[];
  /** Label id → index of its label command. */
  labels: ReadonlyMap<string, number>;
  /** Valid but probably not what was meant, each `file:line:col: message`. */
  warnings: string[];
  /** A template uses [media_port] or [auto_media_port]: every call binds an RTP port pair. */
  usesMediaPort: boolean;
}
