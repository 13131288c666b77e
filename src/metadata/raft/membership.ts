// Cluster configuration entries (single-server membership changes, Raft dissertation §4.1).
//
// A configuration is the sorted list of voters. It takes effect on every server as soon as
// its entry is in the server's log, committed or not; the leader allows one change at a time
// (the previous one must be committed, and the leader must have committed an entry of its
// own term first, which closes the single-server-change bug the dissertation's errata
// describes). A leader that removes itself steps down once the change is committed.
//
// Configuration entry data, version 1 (persistent: the data of an EntryKind.config entry):
//   byte 0   version = 1
//   rest     UTF-8 JSON array of voter ids, sorted, without duplicates

import { RaftCorruptionError } from './errors.js';
import type { NodeId } from './types.js';

const version = 1;

export type ConfigChange = { readonly add: NodeId } | { readonly remove: NodeId };

export function normalizeVoters(voters: readonly NodeId[]): NodeId[] {
  return [...new Set(voters)].sort();
}

export function applyChange(voters: readonly NodeId[], change: ConfigChange): NodeId[] {
  if ('add' in change) return normalizeVoters([...voters, change.add]);
  return voters.filter((v) => v !== change.remove);
}

export function encodeConfig(voters: readonly NodeId[]): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(normalizeVoters(voters)));
  const out = new Uint8Array(1 + json.length);
  out[0] = version;
  out.set(json, 1);
  return out;
}

export function decodeConfig(data: Uint8Array): NodeId[] {
  if (data.length < 1 || data[0] !== version) throw new RaftCorruptionError('config entry: bad version');
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(data.subarray(1)));
  } catch {
    throw new RaftCorruptionError('config entry: not JSON');
  }
  if (!Array.isArray(parsed) || !parsed.every((v) => typeof v === 'string')) throw new RaftCorruptionError('config entry: not a list of ids');
  return normalizeVoters(parsed as string[]);
}
