export type {
  InboundHandler,
  InboundMessage,
  SipEndpoint,
  SipTransport,
  TransportErrorHandler,
  TransportProtocol,
  TransportStats,
} from './transport.js';
export { endpointKey } from './transport.js';
export { createUdpTransport, type UdpTransportOptions } from './udpTransport.js';
export { createTcpTransport, type TcpTransportOptions } from './tcpTransport.js';
export {
  createMemoryTransportPair,
  MemoryTransport,
  type MemorySentRecord,
  type MemoryTransportPairOptions,
} from './memoryTransport.js';
