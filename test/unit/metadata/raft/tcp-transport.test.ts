import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { TcpTransport } from '../../../../src/metadata/raft/tcp-transport.js';
import type { WireMessage as Message } from '../../../../src/metadata/raft/snapshot-transfer.js';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === 'object' && addr !== null ? addr.port : 0));
    });
  });
}

const hb = (from: string, to: string, readRound: number): Message => ({ type: 'heartbeat', from, to, term: 1, commit: 0, readRound });

async function pair(secretA: string, secretB: string): Promise<{ a: TcpTransport; b: TcpTransport; got: Message[] }> {
  const pa = await freePort();
  const pb = await freePort();
  const peers = new Map([
    ['a', { host: '127.0.0.1', port: pa }],
    ['b', { host: '127.0.0.1', port: pb }],
  ]);
  const a = await TcpTransport.listen({ id: 'a', port: pa, peers, secret: secretA });
  const b = await TcpTransport.listen({ id: 'b', port: pb, peers, secret: secretB });
  const got: Message[] = [];
  b.listen((m) => got.push(m));
  return { a, b, got };
}

test('messages between peers sharing the cluster secret arrive in order', async () => {
  const { a, b, got } = await pair('s3cret', 's3cret');
  try {
    for (let i = 1; i <= 50; i++) a.send(hb('a', 'b', i));
    const deadline = Date.now() + 3000;
    while (got.length < 50 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(got.map((m) => (m.type === 'heartbeat' ? m.readRound : -1)), Array.from({ length: 50 }, (_, i) => i + 1));
  } finally {
    await a.close();
    await b.close();
  }
});

test('a peer with the wrong secret is refused', async () => {
  const { a, b, got } = await pair('wrong', 'right');
  try {
    for (let i = 0; i < 5; i++) {
      a.send(hb('a', 'b', i));
      await new Promise((r) => setTimeout(r, 30));
    }
    assert.equal(got.length, 0);
  } finally {
    await a.close();
    await b.close();
  }
});

test('a stranger sending a large frame before authenticating is disconnected', async () => {
  const { a, b, got } = await pair('s', 's');
  try {
    const { connect } = await import('node:net');
    const port = b.port;
    const closed = await new Promise<boolean>((resolve) => {
      const sock = connect({ host: '127.0.0.1', port }, () => {
        const header = Buffer.alloc(4);
        header.writeUInt32BE(1024 * 1024, 0);
        sock.write(header);
      });
      sock.on('data', () => undefined);
      sock.on('close', () => resolve(true));
      sock.on('error', () => undefined);
      setTimeout(() => resolve(false), 1500).unref();
    });
    assert.ok(closed, 'the connection should have been closed');
    assert.equal(got.length, 0);
  } finally {
    await a.close();
    await b.close();
  }
});
