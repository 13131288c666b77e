// The ingest worker: the serial per-byte work of a write stream, off the event loop.
// For each session (one object body) it reads the body from a ring buffer shared with
// the main thread and computes, in place and in stream order, the MD5 (the ETag), the
// content-defined chunk boundaries and each chunk's SHA-256 fingerprint. It reports
// (chunk end offset, fingerprint) pairs; the main thread copies each chunk out of the
// ring and sends it on through compression, erasure coding and the fragment stores.
// Protocol: ingest.ts. One worker serves any number of sessions, one message at a time.

import { parentPort } from 'node:worker_threads';
import { createHash, type Hash } from 'node:crypto';
import { Chunker } from './cdc.js';
import type { IngestReply, IngestRequest } from './ingest.js';

interface Session {
  ring: Uint8Array;
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

function reply(r: IngestReply): void {
  port.postMessage(r);
}

function handle(m: IngestRequest): void {
  if (m.t === 'open') {
    sessions.set(m.id, {
      ring: new Uint8Array(m.ring),
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
    consume(s, m.end, ends, fps);
    if (ends.length > 0) reply({ t: 'cuts', id: m.id, ends, fps: Buffer.concat(fps) });
    return;
  }
  // 'end'
  consume(s, m.end, ends, fps);
  if (s.chunker.endCuts()) {
    ends.push(s.done);
    fps.push(s.sha.digest());
  }
  sessions.delete(m.id);
  reply({ t: 'done', id: m.id, ends, fps: Buffer.concat(fps), md5: s.md5.digest() });
}

/** Hashes and cuts ring bytes [s.done, end), in at most two contiguous pieces (the ring wraps). */
function consume(s: Session, end: number, ends: number[], fps: Buffer[]): void {
  const ringBytes = s.ring.length;
  if (end < s.done || end - s.done > ringBytes) throw new Error(`ingest: bad data end ${end} (done ${s.done})`);
  while (s.done < end) {
    const at = s.done % ringBytes;
    const view = s.ring.subarray(at, Math.min(ringBytes, at + (end - s.done)));
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
}
