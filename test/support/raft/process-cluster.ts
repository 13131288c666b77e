// Starts and abuses a group of raft-process.ts voters on 127.0.0.1: spawn, kill -9,
// restart, poll status; and a client that finds the leader and retries. Used by the
// multi-process test and by bench/raft-bench.ts.

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import type { ProcessConfig } from './raft-process.js';

const script = join(dirname(fileURLToPath(import.meta.url)), 'raft-process.js');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface Status {
  readonly id: string;
  readonly role: string;
  readonly term: number;
  readonly leader: string | null;
  readonly commit: number;
  readonly snapshot: number;
}

export interface ClusterTiming {
  readonly tickMs: number;
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly snapshotThresholdEntries?: number;
}

export class ProcessCluster {
  readonly ids: string[];
  private readonly configs = new Map<string, ProcessConfig>();
  private readonly procs = new Map<string, ChildProcess>();
  private root = '';

  private constructor(ids: string[]) {
    this.ids = ids;
  }

  static async start(n: number, timing: ClusterTiming): Promise<ProcessCluster> {
    const c = new ProcessCluster(Array.from({ length: n }, (_, i) => `m${i + 1}`));
    c.root = await mkdtemp(join(tmpdir(), 'tessera-raft-cluster-'));
    const raftPorts: Record<string, number> = {};
    for (const id of c.ids) raftPorts[id] = await freePort();
    const secret = randomBytes(16).toString('hex');
    for (const id of c.ids) {
      c.configs.set(id, { id, dir: join(c.root, id), raftPorts, httpPort: await freePort(), secret, ...timing });
    }
    await Promise.all(c.ids.map((id) => c.spawn(id)));
    return c;
  }

  // Starts one more process outside the group (the group's voters stay as they are); it
  // knows every member's address, while the members learn its address from the change
  // that adds it.
  async spawnOutsider(id: string): Promise<{ raftAddress: string }> {
    const first = this.configs.get(this.ids[0]!)!;
    const raftPorts = { ...first.raftPorts, [id]: await freePort() };
    this.configs.set(id, { ...first, id, dir: join(this.root, id), raftPorts, httpPort: await freePort(), voters: Object.keys(first.raftPorts) });
    this.ids.push(id);
    await this.spawn(id);
    return { raftAddress: `127.0.0.1:${raftPorts[id]}` };
  }

  electionTimeoutMs(): number {
    const cfg = this.configs.get(this.ids[0]!)!;
    return cfg.tickMs * cfg.electionTicks;
  }

  async spawn(id: string): Promise<void> {
    const cfg = this.configs.get(id)!;
    // RAFT_NODE_ARGS passes extra node flags to the voters (e.g. --cpu-prof for a profile).
    const extra = (process.env['RAFT_NODE_ARGS'] ?? '').split(' ').filter((x) => x !== '');
    const child = spawn(process.execPath, [...extra, script, JSON.stringify(cfg)], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.procs.set(id, child);
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('ready')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`${id} exited with ${code} before ready`)));
    });
  }

  kill(id: string): void {
    this.procs.get(id)?.kill('SIGKILL');
    this.procs.delete(id);
  }

  isRunning(id: string): boolean {
    return this.procs.has(id);
  }

  url(id: string, path: string): string {
    return `http://127.0.0.1:${this.configs.get(id)!.httpPort}${path}`;
  }

  async status(id: string): Promise<Status | null> {
    if (!this.isRunning(id)) return null;
    try {
      const r = await fetch(this.url(id, '/status'), { signal: AbortSignal.timeout(500) });
      return (await r.json()) as Status;
    } catch {
      return null;
    }
  }

  // The node that claims leadership in the highest term, among running nodes.
  async leader(exclude?: string): Promise<string | null> {
    const all = await Promise.all(this.ids.filter((id) => id !== exclude).map((id) => this.status(id)));
    let best: Status | null = null;
    for (const s of all) if (s !== null && s.role === 'leader' && (best === null || s.term > best.term)) best = s;
    return best?.id ?? null;
  }

  async waitForLeader(timeoutMs: number, exclude?: string): Promise<string> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const l = await this.leader(exclude);
      if (l !== null) return l;
      if (performance.now() > deadline) throw new Error('no leader elected in time');
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async stop(): Promise<void> {
    if (process.env['RAFT_NODE_ARGS'] !== undefined) {
      // Let profiled voters exit cleanly so that they write their profiles.
      const exits = [...this.procs.values()].map((p) => new Promise((r) => p.once('exit', r)));
      for (const p of this.procs.values()) p.kill('SIGTERM');
      await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 5000))]);
    }
    for (const id of this.ids) this.kill(id);
    await rm(this.root, { recursive: true, force: true });
  }
}

// A client that sends each request to the node it believes leads, following redirects.
export class ClusterClient {
  private guess: string;
  constructor(private readonly cluster: ProcessCluster) {
    this.guess = cluster.ids[0]!;
  }

  // Returns the response body, or null when the outcome is unknown after timeoutMs.
  async request(method: 'GET' | 'POST', path: string, body: Uint8Array | undefined, timeoutMs: number, attemptMs = 2500): Promise<Uint8Array | null> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      const target = this.guess;
      try {
        const r = await fetch(this.cluster.url(target, path), {
          method,
          body: body === undefined ? undefined : Buffer.from(body),
          signal: AbortSignal.timeout(Math.max(1, Math.min(attemptMs, deadline - performance.now()))),
        });
        const bytes = new Uint8Array(await r.arrayBuffer());
        if (r.status === 200) return bytes;
        if (r.status === 421) {
          const hint = (JSON.parse(new TextDecoder().decode(bytes)) as { leader: string | null }).leader;
          this.guess = hint ?? this.next(target);
        } else {
          this.guess = this.next(target);
        }
      } catch {
        this.guess = this.next(target);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    return null;
  }

  private next(id: string): string {
    const ids = this.cluster.ids;
    return ids[(ids.indexOf(id) + 1) % ids.length]!;
  }
}
