// One Raft voter as a separate process, for the multi-process test and the benchmark:
// RaftNode + LMDB storage + TCP transport + the MemoryKv state machine, plus a small HTTP
// API on 127.0.0.1 for clients:
//
//   POST /propose  body = session command bytes → 200 result | 421 {leader} | 503 error
//   GET  /read?key=K                             → 200 value  | 421 {leader} | 503 error
//   GET  /status                                 → {id, role, term, leader, commit}
//   POST /member?change=add|addLearner|remove&id=ID[&address=HOST:PORT]
//                                                → 200 once applied | 421 {leader} | 503 code
//   POST /bench?clients=C&ms=T                   → {proposals, ms}: C in-process clients
//                                                  proposing back to back for T ms
//
// Usage: node raft-process.js '<json config>'  (see ProcessConfig). It prints one line,
// "ready", once both listeners are up.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { RaftNode } from '../../../src/metadata/raft/node.js';
import { LmdbRaftStorage } from '../../../src/metadata/raft/lmdb-storage.js';
import { TcpTransport } from '../../../src/metadata/raft/tcp-transport.js';
import { NotLeaderError, RaftError } from '../../../src/metadata/raft/errors.js';
import { encodeSessionCommand } from '../../../src/metadata/raft/sessions.js';
import { SnapshotStore } from '../../../src/metadata/raft/snapshot-store.js';
import { MemoryKv, kvCommand } from './memory-kv.js';

export interface ProcessConfig {
  readonly id: string;
  readonly dir: string;
  readonly raftPorts: Record<string, number>;
  readonly httpPort: number;
  readonly secret: string;
  readonly tickMs: number;
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  // Applied entries between snapshots (RaftNode's default when absent).
  readonly snapshotThresholdEntries?: number;
  // The group's initial voters (default: every id in raftPorts). A process that is not
  // among them starts outside the group and waits to be added.
  readonly voters?: readonly string[];
}

async function body(req: IncomingMessage): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 1024 * 1024) throw new RaftError('TOO_LARGE', 'body too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

function fail(res: ServerResponse, err: unknown): void {
  if (err instanceof NotLeaderError) {
    res.writeHead(421, { 'content-type': 'application/json' }).end(JSON.stringify({ leader: err.leaderHint }));
  } else {
    res.writeHead(503).end(err instanceof RaftError ? err.code : String(err));
  }
}

// The test runner also loads this file (it lives under test/); without a configuration it
// does nothing.
const arg = process.argv[2];
if (arg !== undefined) await main(JSON.parse(arg) as ProcessConfig);

async function main(config: ProcessConfig): Promise<void> {
  const peers = new Map(Object.entries(config.raftPorts).map(([id, port]) => [id, { host: '127.0.0.1', port }]));
  const transport = await TcpTransport.listen({ id: config.id, port: config.raftPorts[config.id]!, peers, secret: config.secret });
  const node = new RaftNode({
    id: config.id,
    voters: config.voters ?? [...peers.keys()],
    storage: LmdbRaftStorage.open(config.dir),
    snapshots: new SnapshotStore(`${config.dir}-snapshots`),
    ...(config.snapshotThresholdEntries === undefined ? {} : { snapshotThresholdEntries: config.snapshotThresholdEntries }),
    onError: (err) => console.error(`${config.id}: ${String(err)}`),
    transport,
    stateMachine: new MemoryKv(),
    tickMs: config.tickMs,
    electionTicks: config.electionTicks,
    heartbeatTicks: config.heartbeatTicks,
    requestTimeoutMs: 2000,
    onFatal: (err) => {
      console.error('fatal', err);
      process.exit(1);
    },
  });
  await node.start();
  if (process.env['RAFT_TRACE'] === '1') {
    // Role changes with wall-clock times, to analyse failovers.
    let last = '';
    setInterval(() => {
      const now = `${node.role()} t${node.term()} leader=${node.leader()}`;
      if (now !== last) console.error(`${Date.now()} ${config.id} ${now}`);
      last = now;
    }, 1).unref();
  }



  async function bench(clients: number, ms: number): Promise<{ proposals: number; ms: number }> {
    let proposals = 0;
    const start = performance.now();
    const deadline = start + ms;
    const payload = kvCommand('put', 'bench', 'x'.repeat(100));
    await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        let seq = 0;
        while (performance.now() < deadline) {
          await node.propose(encodeSessionCommand(`bench-${config.id}-${c}-${start}`, ++seq, payload));
          proposals++;
        }
      }),
    );
    return { proposals, ms: performance.now() - start };
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const handle = async (): Promise<void> => {
      if (req.method === 'POST' && url.pathname === '/propose') {
        const result = await node.propose(await body(req));
        res.writeHead(200).end(Buffer.from(result));
      } else if (req.method === 'GET' && url.pathname === '/read') {
        const value = await node.read(new TextEncoder().encode(url.searchParams.get('key') ?? ''));
        res.writeHead(200).end(Buffer.from(value));
      } else if (url.pathname === '/status') {
        const status = { id: node.id, role: node.role(), term: node.term(), leader: node.leader(), commit: node.commitIndex(), snapshot: node.snapshotIndex() };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(status));
      } else if (req.method === 'POST' && url.pathname === '/member') {
        const id = url.searchParams.get('id') ?? '';
        const address = url.searchParams.get('address');
        const kind = url.searchParams.get('change');
        const withAddress = address === null ? {} : { address };
        const change = kind === 'add' ? { add: id, ...withAddress } : kind === 'addLearner' ? { addLearner: id, ...withAddress } : { remove: id };
        await node.changeMembership(change);
        res.writeHead(200).end();
      } else if (req.method === 'POST' && url.pathname === '/bench') {
        const r = await bench(Number(url.searchParams.get('clients') ?? 1), Number(url.searchParams.get('ms') ?? 1000));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(r));
      } else {
        res.writeHead(404).end();
      }
    };
    handle().catch((err: unknown) => fail(res, err));
  });
  server.listen(config.httpPort, '127.0.0.1', () => console.log('ready'));

  const shutdown = (): void => {
    server.close();
    void node.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}
