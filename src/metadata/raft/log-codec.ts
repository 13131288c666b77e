// Persistent encodings of the Raft log and hard state (stored in LMDB by lmdb-storage.ts).
//
// Log entry value, version 1 (the key is the entry index, an LMDB ordered number key):
//   byte 0       version = 1
//   byte 1       kind (EntryKind: 0 normal, 1 noop, 2 config)
//   bytes 2..10  term, unsigned 64-bit big-endian (kept below 2^53)
//   rest         data
//
// Hard state value, version 1:
//   byte 0        version = 1
//   bytes 1..9    term, u64 BE
//   bytes 9..17   commit, u64 BE
//   byte 17       vote length L (0 = no vote)
//   bytes 18..    vote, UTF-8 node id
//
// Snapshot metadata value, version 1: byte 0 = 1, index u64 BE, term u64 BE, then the
// configuration as of index (membership.ts's configuration entry format, with its own
// version byte).

import { RaftCorruptionError } from './errors.js';
import { decodeConfig, encodeConfig, type Membership } from './membership.js';
import { EntryKind, type Entry, type HardState } from './types.js';

const version = 1;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function setU64(view: DataView, off: number, n: number): void {
  view.setUint32(off, Math.floor(n / 2 ** 32));
  view.setUint32(off + 4, n >>> 0);
}

function getU64(view: DataView, off: number): number {
  return view.getUint32(off) * 2 ** 32 + view.getUint32(off + 4);
}

function viewOf(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

export function encodeEntry(e: Entry): Uint8Array {
  const out = new Uint8Array(10 + e.data.length);
  out[0] = version;
  out[1] = e.kind;
  setU64(viewOf(out), 2, e.term);
  out.set(e.data, 10);
  return out;
}

export function decodeEntry(index: number, b: Uint8Array): Entry {
  if (b.length < 10 || b[0] !== version) throw new RaftCorruptionError(`log entry ${index}: bad header`);
  const kind = b[1]!;
  if (kind !== EntryKind.normal && kind !== EntryKind.noop && kind !== EntryKind.config) throw new RaftCorruptionError(`log entry ${index}: unknown kind ${kind}`);
  // Copy the data out: LMDB may hand us a buffer it reuses.
  return { index, term: getU64(viewOf(b), 2), kind, data: b.slice(10) };
}

export function encodeHardState(hs: HardState): Uint8Array {
  const vote = hs.vote === null ? new Uint8Array(0) : encoder.encode(hs.vote);
  const out = new Uint8Array(18 + vote.length);
  const view = viewOf(out);
  out[0] = version;
  setU64(view, 1, hs.term);
  setU64(view, 9, hs.commit);
  out[17] = vote.length;
  out.set(vote, 18);
  return out;
}

export function decodeHardState(b: Uint8Array): HardState {
  if (b.length < 18 || b[0] !== version) throw new RaftCorruptionError('hard state: bad header');
  const view = viewOf(b);
  const len = b[17]!;
  if (b.length < 18 + len) throw new RaftCorruptionError('hard state: truncated vote');
  return {
    term: getU64(view, 1),
    commit: getU64(view, 9),
    vote: len === 0 ? null : decoder.decode(b.subarray(18, 18 + len)),
  };
}

export function encodeSnapshotMeta(index: number, term: number, membership: Membership): Uint8Array {
  const config = encodeConfig(membership);
  const out = new Uint8Array(17 + config.length);
  out[0] = version;
  setU64(viewOf(out), 1, index);
  setU64(viewOf(out), 9, term);
  out.set(config, 17);
  return out;
}

export function decodeSnapshotMeta(b: Uint8Array): { index: number; term: number; config: Membership } {
  if (b.length < 18 || b[0] !== version) throw new RaftCorruptionError('snapshot meta: bad header');
  return { index: getU64(viewOf(b), 1), term: getU64(viewOf(b), 9), config: decodeConfig(b.subarray(17)) };
}
