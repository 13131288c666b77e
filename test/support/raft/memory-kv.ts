// A key-value state machine for driver tests, benchmarks and the multi-process test. It
// lives in memory, so it reports applied index 0 and is rebuilt from the log on restart.
// Commands are session-wrapped JSON {op: 'put' | 'append', key, value}; queries are keys.

import { limits } from '../../../src/limits.js';
import { SessionTable } from '../../../src/metadata/raft/sessions.js';
import type { StateMachine } from '../../../src/metadata/raft/node.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class MemoryKv implements StateMachine {
  private readonly data = new Map<string, string>();
  private readonly sessions = new SessionTable(limits.raftSessionsMax);
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
}

export function kvCommand(op: 'put' | 'append', key: string, value: string): Uint8Array {
  return encoder.encode(JSON.stringify({ op, key, value }));
}
