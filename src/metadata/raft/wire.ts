// Wire encoding of Raft messages between processes, version 1:
//
//   byte 0          version = 1
//   bytes 1..5      header length H, u32 BE
//   bytes 5..5+H    header: the message without its entries, as UTF-8 JSON
//   then            for an append only: u32 BE entry count, then per entry a u32 BE length
//                   and the entry in the log record format of log-codec.ts (its index is
//                   prevIndex + 1 + position); for a snapshot or a snapChunk (a piece of a
//                   snapshot, snapshot-transfer.ts) only: the data
//
// JSON keeps the small scalar fields easy to evolve; entry data, the bulk of the traffic,
// stays binary. Decoding validates the shape, since the bytes come from the network.

import { RaftCorruptionError } from './errors.js';
import { decodeEntry, encodeEntry } from './log-codec.js';
import { checkMembership, membership, type Membership } from './membership.js';
import type { SnapshotChunk, WireMessage } from './snapshot-transfer.js';
import type { Entry, Message, MessageType } from './types.js';

const version = 1;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const types: ReadonlySet<string> = new Set<MessageType | WireMessage['type']>([
  'preVote', 'vote', 'preVoteResp', 'voteResp', 'append', 'appendResp',
  'heartbeat', 'heartbeatResp', 'readIndex', 'readIndexResp', 'snapshot', 'timeoutNow',
  'snapChunk', 'snapAck',
]);

export function encodeMessage(m: WireMessage): Uint8Array {
  if (m.type === 'snapshot' || m.type === 'snapChunk') {
    const h = encoder.encode(JSON.stringify({ ...m, data: undefined }));
    const out = new Uint8Array(5 + h.length + m.data.length);
    out[0] = version;
    new DataView(out.buffer).setUint32(1, h.length);
    out.set(h, 5);
    out.set(m.data, 5 + h.length);
    return out;
  }
  const header = m.type === 'append' ? { ...m, entries: undefined } : m;
  const h = encoder.encode(JSON.stringify(header));
  const records = m.type === 'append' ? m.entries.map(encodeEntry) : [];
  let total = 5 + h.length + (m.type === 'append' ? 4 : 0);
  for (const r of records) total += 4 + r.length;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out[0] = version;
  view.setUint32(1, h.length);
  out.set(h, 5);
  let off = 5 + h.length;
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

export function decodeMessage(b: Uint8Array): WireMessage {
  if (b.length < 5 || b[0] !== version) throw new RaftCorruptionError('message: bad header');
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const hlen = view.getUint32(1);
  if (5 + hlen > b.length) throw new RaftCorruptionError('message: truncated header');
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(decoder.decode(b.subarray(5, 5 + hlen))) as Record<string, unknown>;
  } catch {
    throw new RaftCorruptionError('message: header is not JSON');
  }
  if (typeof header['type'] !== 'string' || !types.has(header['type'])) throw new RaftCorruptionError('message: unknown type');
  if (typeof header['from'] !== 'string' || typeof header['to'] !== 'string' || !Number.isSafeInteger(header['term'])) {
    throw new RaftCorruptionError('message: bad addressing');
  }
  if (header['type'] === 'snapChunk') return checkChunk({ ...(header as unknown as SnapshotChunk), data: b.slice(5 + hlen) });
  if (header['type'] === 'snapshot') return { ...(header as unknown as Message & { type: 'snapshot' }), config: configOf(header), data: b.slice(5 + hlen) };
  if (header['type'] !== 'append') return header as unknown as Message;
  const prevIndex = header['prevIndex'];
  if (!Number.isSafeInteger(prevIndex)) throw new RaftCorruptionError('message: bad prevIndex');
  let off = 5 + hlen;
  if (off + 4 > b.length) throw new RaftCorruptionError('message: truncated entries');
  const count = view.getUint32(off);
  off += 4;
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    if (off + 4 > b.length) throw new RaftCorruptionError('message: truncated entry');
    const len = view.getUint32(off);
    if (off + 4 + len > b.length) throw new RaftCorruptionError('message: truncated entry');
    entries.push(decodeEntry((prevIndex as number) + 1 + i, b.subarray(off + 4, off + 4 + len)));
    off += 4 + len;
  }
  return { ...(header as unknown as Message & { type: 'append' }), entries };
}

function checkChunk(c: SnapshotChunk): SnapshotChunk {
  const ints = [c.index, c.snapTerm, c.bytes, c.offset];
  if (!ints.every((n) => Number.isSafeInteger(n) && n >= 0)) throw new RaftCorruptionError('snapChunk: bad numbers');
  if (typeof c.checksum !== 'string' || !/^[0-9a-f]{64}$/.test(c.checksum)) throw new RaftCorruptionError('snapChunk: bad checksum');
  return { ...c, config: configOf(c as unknown as Record<string, unknown>) };
}

// The configuration a snapshot or a piece of one carries: `config` ({voters, learners}),
// or `voters` alone from a sender that predates learners.
function configOf(header: Record<string, unknown>): Membership {
  if (header['config'] !== undefined) return checkMembership(header['config']);
  const voters = header['voters'];
  if (!Array.isArray(voters) || !voters.every((v) => typeof v === 'string')) throw new RaftCorruptionError('snapshot: bad configuration');
  return membership(voters as string[]);
}
