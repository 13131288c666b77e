// At-most-once application of client proposals (Raft dissertation §6.3).
//
// A client that does not hear back retries the same proposal, which may then sit in the log
// twice. Each proposal therefore carries (clientId, seq); the replicated session table keeps,
// per client, the highest seq applied and its result. A repeat of that seq returns the cached
// result without applying again; an older seq is stale (its client has moved on) and is
// skipped. The table is part of the replicated state (it must go into snapshots), and its
// eviction happens in log order so every replica evicts the same sessions.
//
// Session command format, version 1 (persistent: it is the data of a Raft entry):
//   byte 0        version = 1
//   byte 1        clientId length L, 1..255
//   bytes 2..2+L  clientId, UTF-8
//   next 8 bytes  seq, unsigned big-endian (must stay below 2^53)
//   rest          payload: the state machine's command bytes
//
// Session table snapshot format, version 1: byte 0 = 1, u32 count, then per session in
// eviction order: u8 L, clientId, u64 seq, u32 result length, result bytes.

import { assert } from '../../util/assert.js';
import { RaftCorruptionError } from './errors.js';

const commandVersion = 1;
const tableVersion = 1;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface SessionCommand {
  readonly clientId: string;
  readonly seq: number;
  readonly payload: Uint8Array;
}

export function encodeSessionCommand(clientId: string, seq: number, payload: Uint8Array): Uint8Array {
  const id = encoder.encode(clientId);
  assert(id.length >= 1 && id.length <= 255, 'client id must be 1..255 bytes');
  assert(Number.isSafeInteger(seq) && seq >= 0, 'seq must be a safe non-negative integer');
  const out = new Uint8Array(2 + id.length + 8 + payload.length);
  const view = new DataView(out.buffer);
  out[0] = commandVersion;
  out[1] = id.length;
  out.set(id, 2);
  view.setBigUint64(2 + id.length, BigInt(seq));
  out.set(payload, 10 + id.length);
  return out;
}

export function decodeSessionCommand(bytes: Uint8Array): SessionCommand {
  if (bytes.length < 11 || bytes[0] !== commandVersion) throw new RaftCorruptionError('bad session command header');
  const len = bytes[1]!;
  if (len === 0 || bytes.length < 10 + len) throw new RaftCorruptionError('truncated session command');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const clientId = decoder.decode(bytes.subarray(2, 2 + len));
  const seq = Number(view.getBigUint64(2 + len));
  return { clientId, seq, payload: bytes.subarray(10 + len) };
}

export type SessionOutcome =
  | { readonly kind: 'applied'; readonly result: Uint8Array }
  | { readonly kind: 'duplicate'; readonly result: Uint8Array }
  | { readonly kind: 'stale' };

export class SessionTable {
  // Insertion order is eviction order: touching a session moves it to the end.
  private sessions = new Map<string, { seq: number; result: Uint8Array }>();
  private readonly sessionsMax: number;

  constructor(sessionsMax: number) {
    this.sessionsMax = sessionsMax;
  }

  size(): number {
    return this.sessions.size;
  }

  apply(command: Uint8Array, applyPayload: (payload: Uint8Array) => Uint8Array): SessionOutcome {
    const c = decodeSessionCommand(command);
    const s = this.sessions.get(c.clientId);
    if (s !== undefined && c.seq === s.seq) return { kind: 'duplicate', result: s.result };
    if (s !== undefined && c.seq < s.seq) return { kind: 'stale' };
    const result = applyPayload(c.payload);
    this.sessions.delete(c.clientId);
    this.sessions.set(c.clientId, { seq: c.seq, result });
    if (this.sessions.size > this.sessionsMax) {
      const oldest = this.sessions.keys().next().value as string;
      this.sessions.delete(oldest);
    }
    return { kind: 'applied', result };
  }

  encode(): Uint8Array {
    const parts: Uint8Array[] = [];
    let total = 5;
    for (const [id, s] of this.sessions) {
      const idBytes = encoder.encode(id);
      const head = new Uint8Array(1 + idBytes.length + 12);
      const view = new DataView(head.buffer);
      head[0] = idBytes.length;
      head.set(idBytes, 1);
      view.setBigUint64(1 + idBytes.length, BigInt(s.seq));
      view.setUint32(9 + idBytes.length, s.result.length);
      parts.push(head, s.result);
      total += head.length + s.result.length;
    }
    const out = new Uint8Array(total);
    out[0] = tableVersion;
    new DataView(out.buffer).setUint32(1, this.sessions.size);
    let off = 5;
    for (const p of parts) {
      out.set(p, off);
      off += p.length;
    }
    return out;
  }

  static decode(bytes: Uint8Array, sessionsMax: number): SessionTable {
    if (bytes.length < 5 || bytes[0] !== tableVersion) throw new RaftCorruptionError('bad session table header');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const count = view.getUint32(1);
    const table = new SessionTable(sessionsMax);
    let off = 5;
    for (let i = 0; i < count; i++) {
      if (off + 1 > bytes.length) throw new RaftCorruptionError('truncated session table');
      const len = bytes[off]!;
      if (off + 1 + len + 12 > bytes.length) throw new RaftCorruptionError('truncated session table');
      const id = decoder.decode(bytes.subarray(off + 1, off + 1 + len));
      const seq = Number(view.getBigUint64(off + 1 + len));
      const rlen = view.getUint32(off + 9 + len);
      const start = off + 13 + len;
      if (start + rlen > bytes.length) throw new RaftCorruptionError('truncated session table');
      table.sessions.set(id, { seq, result: bytes.slice(start, start + rlen) });
      off = start + rlen;
    }
    return table;
  }
}
