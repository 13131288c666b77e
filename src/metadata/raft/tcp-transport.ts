// Raft transport between processes over TCP, with length-prefixed frames and a cluster
// secret.
//
// Each node listens for inbound connections (messages to it) and keeps one outbound
// connection per peer (messages from it), so every connection carries traffic one way.
// Handshake, version 1: the listener sends a frame with a 32-byte random nonce; the dialer
// answers with a frame [1][L][its node id, L bytes][HMAC-SHA256(secret, nonce ‖ id)]. The
// listener drops the connection unless the MAC verifies; only then are frames decoded.
//
// Frames: u32 BE length, then that many bytes (a wire.ts message). Raft tolerates loss, so
// the transport never blocks the core: while a peer is unreachable, or its socket buffer is
// beyond a bound, messages to it are dropped and Raft's retries take over. A dropped
// connection is re-dialled on the next send after a back-off.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { limits } from '../../limits.js';
import { decodeMessage, encodeMessage } from './wire.js';
import { parseAddress } from './membership.js';
import type { Transport } from './node.js';
import type { NodeId } from './types.js';
import type { WireMessage as Message } from './snapshot-transfer.js';

export interface PeerAddress {
  readonly host: string;
  readonly port: number;
}

export interface TcpTransportOptions {
  readonly id: NodeId;
  readonly host?: string;
  readonly port: number;
  readonly peers: ReadonlyMap<NodeId, PeerAddress>;
  readonly secret: string;
  readonly reconnectDelayMs?: number;
  readonly onError?: (err: unknown) => void;
}

const handshakeVersion = 1;
// version, id length, id (at most 255 bytes), HMAC-SHA256.
const helloBytesMax = 2 + 255 + 32;

function mac(secret: string, nonce: Uint8Array, id: Uint8Array): Buffer {
  return createHmac('sha256', secret).update(nonce).update(id).digest();
}

function frame(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(4 + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.set(payload, 4);
  return out;
}

// Splits a byte stream into frames, refusing any frame beyond the bound.
class FrameReader {
  private buf: Buffer = Buffer.alloc(0);
  // Before authentication only a hello fits, so a stranger cannot make us buffer much.
  frameBytesMax: number = limits.raftFrameBytesMax;
  push(chunk: Buffer, onFrame: (f: Buffer) => void): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    while (this.buf.length >= 4) {
      const len = this.buf.readUInt32BE(0);
      if (len > this.frameBytesMax) throw new Error(`frame of ${len} bytes exceeds the bound`);
      if (this.buf.length < 4 + len) return;
      const f = this.buf.subarray(4, 4 + len);
      this.buf = this.buf.subarray(4 + len);
      onFrame(f);
    }
  }
}

interface Outbound {
  socket: Socket | null;
  ready: boolean;
  lastDialMs: number;
  // Frames sent while the connection is being set up, bounded; flushed once it is ready.
  pending: Buffer[];
}

export class TcpTransport implements Transport {
  private readonly opts: TcpTransportOptions;
  // The options' peers, then those that configuration changes named (setPeerAddresses).
  private readonly peers: Map<NodeId, PeerAddress>;
  private readonly server: Server;
  private handler: ((m: Message) => void) | null = null;
  private readonly outbound = new Map<NodeId, Outbound>();
  private readonly inbound = new Set<Socket>();
  private closed = false;
  port = 0;

  private constructor(opts: TcpTransportOptions) {
    this.opts = opts;
    this.peers = new Map(opts.peers);
    this.server = createServer((s) => this.accept(s));
  }

  static async listen(opts: TcpTransportOptions): Promise<TcpTransport> {
    const t = new TcpTransport(opts);
    await new Promise<void>((resolve, reject) => {
      t.server.once('error', reject);
      t.server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
    });
    const addr = t.server.address();
    t.port = typeof addr === 'object' && addr !== null ? addr.port : opts.port;
    return t;
  }

  listen(handler: (m: Message) => void): void {
    this.handler = handler;
  }

  // Adds the peers a configuration names, or moves them; a moved peer's connection is
  // dropped so the next send dials the new address. Peers are never removed: a server
  // taken out of the group just gets no more messages.
  setPeerAddresses(addresses: Readonly<Record<NodeId, string>>): void {
    for (const [id, address] of Object.entries(addresses)) {
      if (id === this.opts.id) continue;
      const next = parseAddress(address);
      const now = this.peers.get(id);
      if (now?.host === next.host && now.port === next.port) continue;
      this.peers.set(id, next);
      this.outbound.get(id)?.socket?.destroy();
      this.outbound.delete(id);
    }
  }

  send(m: Message): void {
    if (this.closed) return;
    const o = this.connection(m.to);
    if (o === null || o.socket === null) return;
    if (!o.ready) {
      if (o.pending.length < limits.raftPeerPendingFramesMax) o.pending.push(frame(encodeMessage(m)));
      return;
    }
    if (o.socket.writableLength > limits.raftPeerSendBufferBytesMax) return;
    o.socket.write(frame(encodeMessage(m)));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const o of this.outbound.values()) o.socket?.destroy();
    for (const s of this.inbound) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private connection(peer: NodeId): Outbound | null {
    const addr = this.peers.get(peer);
    if (addr === undefined) return null;
    let o = this.outbound.get(peer);
    if (o === undefined) {
      o = { socket: null, ready: false, lastDialMs: -Infinity, pending: [] };
      this.outbound.set(peer, o);
    }
    const now = performance.now();
    if (o.socket === null && now - o.lastDialMs >= (this.opts.reconnectDelayMs ?? 100)) {
      o.lastDialMs = now;
      this.dial(o, addr);
    }
    return o;
  }

  private dial(o: Outbound, addr: PeerAddress): void {
    const socket = connect({ host: addr.host, port: addr.port });
    socket.setNoDelay(true);
    o.socket = socket;
    o.ready = false;
    const reader = new FrameReader();
    const id = Buffer.from(this.opts.id, 'utf8');
    socket.on('data', (chunk: Buffer) => {
      try {
        reader.push(chunk, (nonce) => {
          if (o.ready) return;
          const hello = Buffer.concat([Buffer.from([handshakeVersion, id.length]), id, mac(this.opts.secret, nonce, id)]);
          socket.write(frame(hello));
          o.ready = true;
          for (const f of o.pending) socket.write(f);
          o.pending = [];
        });
      } catch (err) {
        socket.destroy(err as Error);
      }
    });
    const reset = (): void => {
      if (o.socket === socket) {
        o.socket = null;
        o.ready = false;
        o.pending = [];
      }
    };
    socket.on('error', reset);
    socket.on('close', reset);
  }

  private accept(s: Socket): void {
    if (this.closed || this.inbound.size >= limits.raftInboundConnectionsMax) return void s.destroy();
    s.setNoDelay(true);
    this.inbound.add(s);
    const nonce = randomBytes(32);
    let peer: NodeId | null = null;
    const reader = new FrameReader();
    reader.frameBytesMax = helloBytesMax;
    // A connection that does not authenticate promptly is dropped.
    setTimeout(() => peer === null && s.destroy(), limits.raftHandshakeTimeoutMs).unref();
    s.write(frame(nonce));
    s.on('data', (chunk: Buffer) => {
      try {
        reader.push(chunk, (f) => {
          if (peer === null) {
            peer = this.verifyHello(nonce, f);
            if (peer === null) s.destroy();
            else reader.frameBytesMax = limits.raftFrameBytesMax;
            return;
          }
          const m = decodeMessage(f);
          if (m.from !== peer) throw new Error(`peer ${peer} sent a message as ${m.from}`);
          this.handler?.(m);
        });
      } catch (err) {
        this.opts.onError?.(err);
        s.destroy();
      }
    });
    s.on('error', () => s.destroy());
    s.on('close', () => this.inbound.delete(s));
  }

  private verifyHello(nonce: Buffer, f: Buffer): NodeId | null {
    if (f.length < 2 || f[0] !== handshakeVersion) return null;
    const len = f[1]!;
    if (f.length !== 2 + len + 32) return null;
    const id = f.subarray(2, 2 + len);
    const expected = mac(this.opts.secret, nonce, id);
    if (!timingSafeEqual(expected, f.subarray(2 + len))) return null;
    const peer = id.toString('utf8');
    return this.peers.has(peer) ? peer : null;
  }
}
