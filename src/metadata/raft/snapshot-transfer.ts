// InstallSnapshot in bounded pieces, between RaftNode drivers.
//
// The core asks for a snapshot to be sent with a `snapshot` message carrying no data. The
// sender's driver streams the snapshot file (snapshot-store.ts) as `snapChunk` messages of at
// most limits.raftSnapshotChunkBytes, with at most limits.raftSnapshotOutstandingBytesMax
// unacknowledged. The receiver writes the pieces in order to a temporary file and answers
// every piece with a `snapAck` carrying the next offset it expects; a piece out of order is
// answered with ok = false, and the sender rewinds to that offset. Once every byte is there,
// the receiver checks the length and the checksum (against the file's trailer and the
// sender's announcement), fsyncs, renames the file to its final name, and only then hands the
// core the `snapshot` message. The core's acknowledgement (an appendResp) leaves after the
// driver has installed the snapshot durably (RaftNode.installSnapshot), as for any reply.
//
// Transfers restart cleanly: a piece at offset 0 starts a new transfer at the receiver, a
// transfer with no acknowledgement for limits.raftSnapshotStallMs restarts from the last
// acknowledged offset when the core asks again, and a receiver that knows nothing of a
// transfer answers any later piece with offset 0.

import { open, rm, type FileHandle } from 'node:fs/promises';
import { limits } from '../../limits.js';
import { readFully, readInfo, verifyFile, type SnapshotFileInfo, type SnapshotStore } from './snapshot-store.js';
import type { Message, NodeId, SnapshotMessage } from './types.js';
import type { Membership } from './membership.js';

export interface SnapshotChunk {
  readonly type: 'snapChunk';
  readonly from: NodeId;
  readonly to: NodeId;
  readonly term: number;
  readonly index: number;
  readonly snapTerm: number;
  readonly config: Membership;
  // The whole file's size and its data checksum (hex SHA-256), announced with every piece.
  readonly bytes: number;
  readonly checksum: string;
  readonly offset: number;
  readonly data: Uint8Array;
}

export interface SnapshotAck {
  readonly type: 'snapAck';
  readonly from: NodeId;
  readonly to: NodeId;
  readonly term: number;
  readonly index: number;
  readonly snapTerm: number;
  // The next offset the receiver expects; ok = false asks the sender to rewind to it.
  readonly offset: number;
  readonly ok: boolean;
}

// Everything a transport carries: the core's messages and the driver's snapshot pieces.
export type WireMessage = Message | SnapshotChunk | SnapshotAck;

const empty = new Uint8Array(0);

interface OutgoingTransfer {
  readonly msg: SnapshotMessage;
  info: SnapshotFileInfo | null;
  fh: FileHandle | null;
  acked: number;
  sent: number;
  lastAckMs: number;
  reading: boolean;
  closed: boolean;
}

export class SnapshotSender {
  private readonly transfers = new Map<NodeId, OutgoingTransfer>();

  constructor(
    private readonly store: SnapshotStore,
    private readonly send: (m: WireMessage) => void,
    private readonly onError: (err: unknown) => void,
  ) {}

  // The core wants snapshot (m.index, m.snapTerm) at m.to.
  start(m: SnapshotMessage): void {
    const t = this.transfers.get(m.to);
    if (t !== undefined && t.msg.index === m.index && t.msg.snapTerm === m.snapTerm && t.msg.term === m.term) {
      if (performance.now() - t.lastAckMs < limits.raftSnapshotStallMs) return;
      // Stalled (pieces or acknowledgements lost): resend from the last acknowledged offset.
      t.sent = t.acked;
      t.lastAckMs = performance.now();
      this.pump(t);
      return;
    }
    if (t !== undefined) this.finish(t);
    const n: OutgoingTransfer = { msg: m, info: null, fh: null, acked: 0, sent: 0, lastAckMs: performance.now(), reading: false, closed: false };
    this.transfers.set(m.to, n);
    void this.openFile(n);
  }

  onAck(a: SnapshotAck): void {
    const t = this.transfers.get(a.from);
    if (t === undefined || t.msg.index !== a.index || t.msg.snapTerm !== a.snapTerm || t.info === null) return;
    t.lastAckMs = performance.now();
    if (a.ok && a.offset >= t.info.bytes) return this.finish(t);
    if (a.ok) t.acked = Math.max(t.acked, Math.min(a.offset, t.sent));
    else {
      t.acked = Math.min(a.offset, t.info.bytes);
      t.sent = t.acked;
    }
    this.pump(t);
  }

  // In-flight transfers, for tests and status.
  active(): number {
    return this.transfers.size;
  }

  close(): void {
    for (const t of [...this.transfers.values()]) this.finish(t);
  }

  private async openFile(t: OutgoingTransfer): Promise<void> {
    try {
      const fh = await open(this.store.path(t.msg.index, t.msg.snapTerm), 'r');
      if (t.closed) return void (await fh.close());
      t.fh = fh;
      // The trailer holds the checksum; the receiver verifies the rest.
      t.info = await readInfo(fh, t.msg.index, t.msg.snapTerm);
      this.pump(t);
    } catch (err) {
      this.finish(t);
      this.onError(err);
    }
  }

  // Sends pieces while the window allows, one read at a time.
  private pump(t: OutgoingTransfer): void {
    if (t.reading || t.closed || t.info === null || t.fh === null) return;
    const info = t.info;
    if (t.sent >= info.bytes || t.sent - t.acked >= limits.raftSnapshotOutstandingBytesMax) return;
    t.reading = true;
    const offset = t.sent;
    const buf = Buffer.alloc(Math.min(limits.raftSnapshotChunkBytes, info.bytes - offset));
    readFully(t.fh, buf, offset).then(
      () => {
        t.reading = false;
        if (t.closed || t.sent !== offset) return this.pump(t);
        const m = t.msg;
        const checksum = info.checksum.toString('hex');
        this.send({ type: 'snapChunk', from: m.from, to: m.to, term: m.term, index: m.index, snapTerm: m.snapTerm, config: m.config, bytes: info.bytes, checksum, offset, data: buf });
        t.sent = offset + buf.length;
        this.pump(t);
      },
      (err: unknown) => {
        this.finish(t);
        this.onError(err);
      },
    );
  }

  private finish(t: OutgoingTransfer): void {
    t.closed = true;
    if (this.transfers.get(t.msg.to) === t) this.transfers.delete(t.msg.to);
    void t.fh?.close().catch(() => undefined);
    t.fh = null;
  }
}

interface IncomingTransfer {
  readonly first: SnapshotChunk;
  readonly tmp: string;
  readonly fh: FileHandle;
  expected: number;
}

export class SnapshotReceiver {
  private cur: IncomingTransfer | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: SnapshotStore,
    private readonly send: (m: WireMessage) => void,
    // Receives the verified, durable snapshot as the core's message.
    private readonly deliver: (m: SnapshotMessage) => void,
    private readonly onError: (err: unknown) => void,
  ) {}

  onChunk(c: SnapshotChunk): void {
    // Pieces are written one at a time, in arrival order.
    this.chain = this.chain.then(() => this.handle(c)).catch((err: unknown) => {
      this.onError(err);
      return this.discard();
    });
  }

  async close(): Promise<void> {
    await this.chain;
    await this.discard();
  }

  private sameTransfer(t: IncomingTransfer, c: SnapshotChunk): boolean {
    const f = t.first;
    return f.from === c.from && f.index === c.index && f.snapTerm === c.snapTerm && f.bytes === c.bytes && f.checksum === c.checksum;
  }

  private ack(c: SnapshotChunk, offset: number, ok: boolean): void {
    this.send({ type: 'snapAck', from: c.to, to: c.from, term: c.term, index: c.index, snapTerm: c.snapTerm, offset, ok });
  }

  private async handle(c: SnapshotChunk): Promise<void> {
    if (c.bytes > limits.raftSnapshotBytesMax + 1024 || c.data.length > limits.raftSnapshotChunkBytes) {
      this.onError(new Error(`snapshot piece from ${c.from} beyond the bounds`));
      return;
    }
    if (this.cur !== null && !this.sameTransfer(this.cur, c) && c.offset === 0) await this.discard();
    if (this.cur === null) {
      if (c.offset !== 0) return this.ack(c, 0, false);
      const tmp = this.store.tempPath();
      this.cur = { first: c, tmp, fh: await open(tmp, 'w'), expected: 0 };
    }
    const t = this.cur;
    if (!this.sameTransfer(t, c)) return; // a stale piece of an abandoned transfer
    if (c.offset !== t.expected) return this.ack(c, t.expected, c.offset < t.expected);
    if (c.offset + c.data.length > c.bytes) throw new Error('snapshot piece beyond the announced length');
    await t.fh.write(c.data, 0, c.data.length, c.offset);
    t.expected += c.data.length;
    if (t.expected < c.bytes) return this.ack(c, t.expected, true);
    await t.fh.sync();
    await t.fh.close();
    this.cur = null;
    try {
      await verifyFile(t.tmp, c.index, c.snapTerm, c.bytes, Buffer.from(c.checksum, 'hex'));
    } catch (err) {
      await rm(t.tmp, { force: true });
      this.ack(c, 0, false);
      throw err;
    }
    await this.store.commit(t.tmp, c.index, c.snapTerm);
    this.ack(c, c.bytes, true);
    this.deliver({ type: 'snapshot', from: c.from, to: c.to, term: c.term, index: c.index, snapTerm: c.snapTerm, config: c.config, data: empty });
  }

  private async discard(): Promise<void> {
    const t = this.cur;
    this.cur = null;
    if (t === null) return;
    await t.fh.close().catch(() => undefined);
    await rm(t.tmp, { force: true });
  }
}
