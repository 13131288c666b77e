// Cluster configuration entries (single-server membership changes, Raft dissertation §4.1,
// with learners as in §4.2.1 and etcd-raft).
//
// A configuration is a set of voters and a set of learners. Learners receive the log and
// snapshots like any follower but never count: not in elections (they never campaign), not
// in the commit quorum, not in check-quorum nor in ReadIndex confirmation. A new server
// joins as a learner, catches up, and is then promoted, so that the quorum never has to wait
// for a member that is still copying the log (§4.2.1). A configuration takes effect on every
// server as soon as its entry is in the server's log, committed or not; the leader allows one
// change at a time (the previous one must be committed, and the leader must have committed
// an entry of its own term first, which closes the single-server-change bug the
// dissertation's errata describes). A leader that removes itself steps down once the change
// is committed.
//
// Configuration entry data (persistent: the data of an EntryKind.config entry, and the
// configuration in snapshot metadata):
//   version 2 (written now):
//     byte 0   version = 2
//     rest     UTF-8 JSON {"voters": [...], "learners": [...], "addresses": {...}}: the id
//              lists sorted, without duplicates, disjoint; addresses ("host:port" of a
//              member's Raft listener, for the transport's peer table) only for members
//              whose address a change gave, and absent when there are none
//   version 1 (still read; learners did not exist):
//     byte 0   version = 1
//     rest     UTF-8 JSON array of voter ids, sorted, without duplicates

import { RaftCorruptionError, RaftError } from './errors.js';
import type { NodeId } from './types.js';
import { limits } from '../../limits.js';

const version = 2;

export interface Membership {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
  /** Where members' Raft listeners are ("host:port"), for those a change named one. */
  readonly addresses?: Readonly<Record<NodeId, string>>;
}

/**
 * `add` makes a server a voter (a learner is promoted), `addLearner` adds a non-voting
 * member, `remove` takes a server out whatever its role. `address` ("host:port") tells
 * every member's transport where a server joining the group listens.
 */
export type ConfigChange =
  | { readonly add: NodeId; readonly address?: string }
  | { readonly addLearner: NodeId; readonly address?: string }
  | { readonly remove: NodeId };

export function normalizeVoters(voters: readonly NodeId[]): NodeId[] {
  return [...new Set(voters)].sort();
}

/**
 * A configuration with sorted, duplicate-free lists (a voter listed as learner too is a
 * voter) and addresses only for members.
 */
export function membership(voters: readonly NodeId[], learners: readonly NodeId[] = [], addresses: Readonly<Record<NodeId, string>> = {}): Membership {
  const v = normalizeVoters(voters);
  const l = normalizeVoters(learners).filter((x) => !v.includes(x));
  const kept = Object.keys(addresses).filter((id) => v.includes(id) || l.includes(id)).sort();
  if (kept.length === 0) return { voters: v, learners: l };
  return { voters: v, learners: l, addresses: Object.fromEntries(kept.map((id) => [id, addresses[id]!])) };
}

export function members(c: Membership): NodeId[] {
  return [...c.voters, ...c.learners];
}

export function applyChange(c: Membership, change: ConfigChange): Membership {
  const addresses = { ...c.addresses };
  if ('remove' in change) {
    return membership(c.voters.filter((v) => v !== change.remove), c.learners.filter((l) => l !== change.remove), addresses);
  }
  if (change.address !== undefined) {
    parseAddress(change.address);
    addresses['add' in change ? change.add : change.addLearner] = change.address;
  }
  if ('add' in change) return membership([...c.voters, change.add], c.learners.filter((l) => l !== change.add), addresses);
  if (c.voters.includes(change.addLearner)) {
    throw new RaftError('RAFT_CONFIG_INVALID', `${change.addLearner} is a voter; remove it first to make it a learner`);
  }
  return membership(c.voters, [...c.learners, change.addLearner], addresses);
}

/** "host:port" with a port in range; throws RAFT_CONFIG_INVALID otherwise. */
export function parseAddress(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  const host = address.slice(0, at).replace(/^\[(.*)\]$/, '$1');
  const port = Number(address.slice(at + 1));
  if (at <= 0 || host === '' || !Number.isInteger(port) || port < 1 || port > 65535 || address.length > limits.raftMemberAddressBytesMax) {
    throw new RaftError('RAFT_CONFIG_INVALID', `bad member address ${JSON.stringify(address.slice(0, limits.raftMemberAddressBytesMax))}: want host:port`);
  }
  return { host, port };
}

export function encodeConfig(c: Membership): Uint8Array {
  const n = membership(c.voters, c.learners, c.addresses);
  const json = new TextEncoder().encode(JSON.stringify(n));
  const out = new Uint8Array(1 + json.length);
  out[0] = version;
  out.set(json, 1);
  return out;
}

export function decodeConfig(data: Uint8Array): Membership {
  if (data.length < 1 || (data[0] !== 1 && data[0] !== 2)) throw new RaftCorruptionError('config entry: bad version');
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(data.subarray(1)));
  } catch {
    throw new RaftCorruptionError('config entry: not JSON');
  }
  return data[0] === 1 ? membership(idList(parsed, 'voters')) : checkMembership(parsed);
}

/** Validates a configuration that came from the network (a snapshot message's header). */
export function checkMembership(c: unknown): Membership {
  if (typeof c !== 'object' || c === null) throw new RaftCorruptionError('configuration: not an object');
  const o = c as Record<string, unknown>;
  return membership(idList(o['voters'], 'voters'), idList(o['learners'], 'learners'), addressMap(o['addresses']));
}

function addressMap(v: unknown): Record<NodeId, string> {
  if (v === undefined) return {};
  const ok = typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((a) => typeof a === 'string');
  if (!ok) throw new RaftCorruptionError('configuration: addresses is not a map of strings');
  return v as Record<NodeId, string>;
}

function idList(v: unknown, what: string): NodeId[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new RaftCorruptionError(`configuration: ${what} is not a list of ids`);
  return v as NodeId[];
}
