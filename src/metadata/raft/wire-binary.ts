// Fixed binary layout for the four messages that make up nearly all Raft traffic (append,
// appendResp, heartbeat, heartbeatResp): measured with --cpu-prof, JSON headers for them
// were a visible share of a leader's CPU at 64 clients. Version 2 of wire.ts's format:
//
//   byte 0     version = 2
//   byte 1     type: 1 append, 2 appendResp, 3 heartbeat, 4 heartbeatResp
//   u8 L, L bytes   from (UTF-8);  u8 L, L bytes   to (UTF-8)
//   u64 BE     term
//   then per type, all u64 BE (kept below 2^53):
//     append         prevIndex, prevTerm, commit, then u32 BE entry count and per entry a
//                    u32 BE length and the entry in log-codec.ts's record format
//     appendResp     index, hintIndex, hintTerm, then u8 reject (0/1)
//     heartbeat      commit, readRound
//     heartbeatResp  readRound

import { RaftCorruptionError } from './errors.js';
import { decodeEntry, encodeEntry } from './log-codec.js';
import type { AppendRequest, AppendResponse, Entry, Heartbeat, HeartbeatResponse, Message } from './types.js';

export const binaryVersion = 2;
type Hot = AppendRequest | AppendResponse | Heartbeat | HeartbeatResponse;
const codes = { append: 1, appendResp: 2, heartbeat: 3, heartbeatResp: 4 } as const;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function isHot(m: { type: string }): m is Hot {
  return m.type === 'append' || m.type === 'appendResp' || m.type === 'heartbeat' || m.type === 'heartbeatResp';
}

function numbers(m: Hot): number[] {
  switch (m.type) {
    case 'append':
      return [m.term, m.prevIndex, m.prevTerm, m.commit];
    case 'appendResp':
      return [m.term, m.index, m.hintIndex, m.hintTerm];
    case 'heartbeat':
      return [m.term, m.commit, m.readRound];
    case 'heartbeatResp':
      return [m.term, m.readRound];
  }
}

export function encodeBinary(m: Hot): Uint8Array {
  const from = encoder.encode(m.from);
  const to = encoder.encode(m.to);
  const nums = numbers(m);
  const records = m.type === 'append' ? m.entries.map(encodeEntry) : [];
  let total = 4 + from.length + to.length + 8 * nums.length + (m.type === 'append' ? 4 : 0) + (m.type === 'appendResp' ? 1 : 0);
  for (const r of records) total += 4 + r.length;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out[0] = binaryVersion;
  out[1] = codes[m.type];
  out[2] = from.length;
  out.set(from, 3);
  let off = 3 + from.length;
  out[off] = to.length;
  out.set(to, off + 1);
  off += 1 + to.length;
  for (const n of nums) {
    view.setUint32(off, Math.floor(n / 2 ** 32));
    view.setUint32(off + 4, n >>> 0);
    off += 8;
  }
  if (m.type === 'appendResp') out[off] = m.reject ? 1 : 0;
  if (m.type === 'append') {
    view.setUint32(off, records.length);
    off += 4;
    for (const r of records) {
      view.setUint32(off, r.length);
      out.set(r, off + 4);
      off += 4 + r.length;
    }
  }
  return out;
}

export function decodeBinary(b: Uint8Array): Message {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let off = 2;
  const need = (n: number): void => {
    if (off + n > b.length) throw new RaftCorruptionError('message: truncated');
  };
  const str = (): string => {
    need(1);
    const len = b[off]!;
    need(1 + len);
    const s = decoder.decode(b.subarray(off + 1, off + 1 + len));
    off += 1 + len;
    return s;
  };
  const num = (): number => {
    need(8);
    const hi = view.getUint32(off);
    if (hi >= 2 ** 21) throw new RaftCorruptionError('message: number beyond 2^53');
    const n = hi * 2 ** 32 + view.getUint32(off + 4);
    off += 8;
    return n;
  };
  need(0);
  const code = b[1];
  const from = str();
  const to = str();
  const term = num();
  switch (code) {
    case codes.append: {
      const prevIndex = num();
      const prevTerm = num();
      const commit = num();
      need(4);
      const count = view.getUint32(off);
      off += 4;
      const entries: Entry[] = [];
      for (let i = 0; i < count; i++) {
        need(4);
        const len = view.getUint32(off);
        need(4 + len);
        entries.push(decodeEntry(prevIndex + 1 + i, b.subarray(off + 4, off + 4 + len)));
        off += 4 + len;
      }
      return { type: 'append', from, to, term, prevIndex, prevTerm, entries, commit };
    }
    case codes.appendResp: {
      const index = num();
      const hintIndex = num();
      const hintTerm = num();
      need(1);
      return { type: 'appendResp', from, to, term, index, reject: b[off] === 1, hintIndex, hintTerm };
    }
    case codes.heartbeat: {
      const commit = num();
      return { type: 'heartbeat', from, to, term, commit, readRound: num() };
    }
    case codes.heartbeatResp:
      return { type: 'heartbeatResp', from, to, term, readRound: num() };
    default:
      throw new RaftCorruptionError('message: unknown binary type');
  }
}
