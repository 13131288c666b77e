// The ingest worker: the serial per-byte work of a write stream, off the event loop.
// For each session (one object body) it is handed the body in slabs (transferred, not
// copied) and computes, in place and in stream order, the MD5 (the ETag), the
// content-defined chunk boundaries and each chunk's SHA-256 fingerprint. It hands each
// slab back with the (chunk end offset, fingerprint) pairs found so far; the main thread
// copies chunks out and sends them on through compression, erasure coding and storage.
// Protocol: ingest.ts. One worker serves any number of sessions, one message at a time.

import { parentPort } from 'node:worker_threads';
import { createHash, type Hash } from 'node:crypto';
import { Chunker } from './cdc.js';
import type { IngestReply, IngestRequest } from './ingest.js';

interface Session {
  md5: Hash;
  sha: Hash;
  chunker: Chunker;
  /** Stream offset up to which bytes were hashed and cut. */
  done: number;
}

const sessions = new Map<number, Session>();
const port = parentPort!;

port.on('message', (m: IngestRequest) => {
  try {
    handle(m);
  } catch (err) {
    sessions.delete(m.id);
    reply({ t: 'error', id: m.id, message: (err as Error).message });
  }
});

function reply(r: IngestReply, transfer?: ArrayBuffer[]): void {
  port.postMessage(r, transfer);
}

function handle(m: IngestRequest): void {
  if (m.t === 'open') {
    sessions.set(m.id, {
      md5: createHash('md5'),
      sha: createHash('sha256'),
      chunker: new Chunker(m.chunker),
      done: 0,
    });
    return;
  }
  if (m.t === 'close') {
    sessions.delete(m.id);
    return;
  }
  const s = sessions.get(m.id);
  if (s === undefined) throw new Error(`ingest session ${m.id} is not open`);
  const ends: number[] = [];
  const fps: Buffer[] = [];
  if (m.t === 'data') {
    // Every slab goes back, cuts or none: the main thread counts them.
    consume(s, new Uint8Array(m.slab, 0, m.length), ends, fps);
    if (m.back) reply({ t: 'cuts', id: m.id, slab: m.slab, ends, fps: Buffer.concat(fps) }, [m.slab]);
    else reply({ t: 'cuts', id: m.id, ends, fps: Buffer.concat(fps) });
    return;
  }
  // 'end'
  if (s.chunker.endCuts()) {
    ends.push(s.done);
    fps.push(s.sha.digest());
  }
  sessions.delete(m.id);
  reply({ t: 'done', id: m.id, ends, fps: Buffer.concat(fps), md5: s.md5.digest() });
}

/** Hashes and cuts the next stream bytes, in place. */
function consume(s: Session, view: Uint8Array, ends: number[], fps: Buffer[]): void {
  s.md5.update(view);
  let from = 0;
  for (const cut of s.chunker.cuts(view)) {
    s.sha.update(view.subarray(from, cut));
    fps.push(s.sha.digest());
    s.sha = createHash('sha256');
    ends.push(s.done + cut);
    from = cut;
  }
  s.sha.update(view.subarray(from));
  s.done += view.length;
}
