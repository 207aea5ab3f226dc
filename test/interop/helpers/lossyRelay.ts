import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

/**
 * A UDP relay on 127.0.0.1 that forwards datagrams between a client and a peer program and drops
 * the ones `drop` selects: network loss, made deterministic. The peer stays a real third-party
 * program; only the network in between misbehaves.
 */
export class LossyRelay {
  readonly dropped: Buffer[] = [];
  private client: RemoteInfo | undefined;
  private count = 0;

  private constructor(
    private readonly socket: Socket,
    private readonly peerPort: number,
    private readonly drop: (datagram: Buffer, index: number) => boolean,
  ) {
    socket.on('message', (msg, from) => this.relay(msg, from));
  }

  static async start(peerPort: number, drop: (datagram: Buffer, index: number) => boolean): Promise<LossyRelay> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, '127.0.0.1', () => resolve());
    });
    return new LossyRelay(socket, peerPort, drop);
  }

  get port(): number {
    return this.socket.address().port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  private relay(msg: Buffer, from: RemoteInfo): void {
    const fromPeer = from.port === this.peerPort;
    if (!fromPeer) this.client = from;
    if (!fromPeer && this.drop(msg, this.count++)) {
      this.dropped.push(msg);
      return;
    }
    if (fromPeer) {
      if (this.client !== undefined) this.socket.send(msg, this.client.port, this.client.address);
    } else {
      this.socket.send(msg, this.peerPort, '127.0.0.1');
    }
  }
}
