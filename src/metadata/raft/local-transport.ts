// An in-process transport: nodes of one process exchange messages through a shared hub,
// asynchronously (next macrotask) like a network would. Used by tests, benchmarks and any
// embedding that runs several voters in one process.

import type { Transport } from './node.js';
import type { NodeId } from './types.js';
import type { WireMessage as Message } from './snapshot-transfer.js';

export class LocalHub {
  private readonly handlers = new Map<NodeId, (m: Message) => void>();
  private readonly down = new Set<NodeId>();

  transport(id: NodeId): Transport {
    return {
      send: (m) => {
        if (this.down.has(m.from) || this.down.has(m.to)) return;
        setImmediate(() => {
          if (!this.down.has(m.to)) this.handlers.get(m.to)?.(m);
        });
      },
      listen: (h) => {
        this.handlers.set(id, h);
      },
      close: async () => {
        this.handlers.delete(id);
      },
    };
  }

  // Isolates a node: nothing it sends or is sent arrives.
  isolate(id: NodeId, isolated: boolean): void {
    if (isolated) this.down.add(id);
    else this.down.delete(id);
  }
}
