// A key-value state machine for driver tests, benchmarks and the multi-process test. It
// lives in memory, so it reports applied index 0 and is rebuilt from the log on restart.
// Commands are session-wrapped JSON {op: 'put' | 'append', key, value}; queries are keys.
//
// Snapshot format, version 1: byte 0 = 1, u32 BE session table length S, the session table
// (sessions.ts), u32 BE pair count, then per pair u32 BE key length, key, u32 BE value
// length, value (UTF-8). Produced in pieces of about 64 KiB.

import { limits } from '../../../src/limits.js';
import { SessionTable } from '../../../src/metadata/raft/sessions.js';
import type { StateMachine } from '../../../src/metadata/raft/node.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class MemoryKv implements StateMachine {
  private data = new Map<string, string>();
  private sessions = new SessionTable(limits.raftSessionsMax);
  applied = 0;

  apply(index: number, command: Uint8Array): Uint8Array {
    this.applied = index;
    const out = this.sessions.apply(command, (payload) => {
      const c = JSON.parse(decoder.decode(payload)) as { op: string; key: string; value: string };
      if (c.op === 'put') this.data.set(c.key, c.value);
      else if (c.op === 'append') this.data.set(c.key, (this.data.get(c.key) ?? '') + c.value);
      return encoder.encode(`${index}`);
    });
    return out.kind === 'stale' ? new Uint8Array(0) : out.result;
  }

  query(query: Uint8Array): Uint8Array {
    return encoder.encode(this.data.get(decoder.decode(query)) ?? '');
  }

  appliedIndex(): number {
    return 0;
  }

  // The copy is the synchronous capture; the pieces are encoded lazily from it.
  snapshot(): Iterable<Uint8Array> {
    const pairs = [...this.data];
    const sessions = this.sessions.encode();
    return (function* () {
      const head = new Uint8Array(9 + sessions.length);
      const view = new DataView(head.buffer);
      head[0] = 1;
      view.setUint32(1, sessions.length);
      head.set(sessions, 5);
      view.setUint32(5 + sessions.length, pairs.length);
      yield head;
      let parts: Uint8Array[] = [];
      let size = 0;
      for (const [k, v] of pairs) {
        for (const s of [encoder.encode(k), encoder.encode(v)]) {
          const len = new Uint8Array(4);
          new DataView(len.buffer).setUint32(0, s.length);
          parts.push(len, s);
          size += 4 + s.length;
        }
        if (size >= 64 * 1024) {
          yield concat(parts);
          parts = [];
          size = 0;
        }
      }
      if (parts.length > 0) yield concat(parts);
    })();
  }

  async restore(index: number, data: AsyncIterable<Uint8Array>): Promise<void> {
    const chunks: Uint8Array[] = [];
    for await (const c of data) chunks.push(c);
    const b = concat(chunks);
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    if (b[0] !== 1) throw new Error('kv snapshot: bad version');
    const slen = view.getUint32(1);
    const sessions = SessionTable.decode(b.subarray(5, 5 + slen), limits.raftSessionsMax);
    const count = view.getUint32(5 + slen);
    const next = new Map<string, string>();
    let off = 9 + slen;
    const str = (): string => {
      const len = view.getUint32(off);
      const out = decoder.decode(b.subarray(off + 4, off + 4 + len));
      off += 4 + len;
      return out;
    };
    for (let i = 0; i < count; i++) {
      const k = str();
      next.set(k, str());
    }
    if (off !== b.length) throw new Error('kv snapshot: trailing bytes');
    this.data = next;
    this.sessions = sessions;
    this.applied = index;
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export function kvCommand(op: 'put' | 'append', key: string, value: string): Uint8Array {
  return encoder.encode(JSON.stringify({ op, key, value }));
}
