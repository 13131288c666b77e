// What RaftNode (node.ts) needs from its surroundings: the state machine it drives, the
// transport it sends through, and the timers it runs on.

import type { WireMessage } from './snapshot-transfer.js';
import type { NodeId } from './types.js';

export interface StateMachine {
  // Applies a committed command, deterministically. It should record index durably with its
  // own writes, and report it from appliedIndex() after a restart.
  apply(index: number, command: Uint8Array): Uint8Array;
  query(query: Uint8Array): Uint8Array;
  appliedIndex(): number;
  // A snapshot of the state as of the last applied index, at the moment of the call: the
  // state must be captured synchronously (a copy, or a read transaction that the object
  // store's LMDB state machine would stream its tables from), while the chunks (each a few
  // hundred KiB at most) may be produced later, as apply() goes on.
  snapshot(): AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  // Replaces the whole state with a snapshot's data taken at index (the concatenation of
  // what snapshot() produced there); afterwards appliedIndex() reports at least index.
  restore(index: number, data: AsyncIterable<Uint8Array>): Promise<void>;
}

export interface Transport {
  send(m: WireMessage): void;
  // Registers the receiver of incoming messages.
  listen(handler: (m: WireMessage) => void): void;
  // The members' addresses ("host:port") as the configuration in effect names them, each
  // time it changes: a transport with a peer table adds or updates those peers.
  setPeerAddresses?(addresses: Readonly<Record<NodeId, string>>): void;
  close(): Promise<void>;
}

// The timers the driver uses; injectable so tests can control time.
export interface DriverClock {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  // Milliseconds from any fixed origin. With it, the ticker makes up for late timer callbacks
  // (see start()); without it, every callback is one tick.
  now?(): number;
}

export const realClock: DriverClock = {
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
  now: () => performance.now(),
};
