// The ceiling peer: a bare node:http server that only MD5s each PUT body (the work an
// S3 ETag needs) and answers 200 with the ETag. It stores nothing but each key's length,
// and GET answers that many bytes sliced from a pre-generated random buffer, so GET has a
// ceiling too. No authentication, no XML: it measures HTTP + MD5 on this machine.
//   node dist/bench/md5-server.js <port>

import { createHash, randomFillSync } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write('usage: md5-server.js <port>\n');
  process.exit(2);
}

const blockBytes = 1024 * 1024;
const block = randomFillSync(Buffer.allocUnsafe(blockBytes));
// Lengths only, bounded: a benchmark writes far fewer keys than this.
const keysMax = 1_000_000;
const lengths = new Map<string, number>();

const server = createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0]!;
  const isObject = path.indexOf('/', 1) > 0;
  if (req.method === 'PUT') {
    const md5 = createHash('md5');
    let length = 0;
    req.on('data', (chunk: Buffer) => {
      md5.update(chunk);
      length += chunk.length;
    });
    req.on('end', () => {
      if (isObject && lengths.size < keysMax) lengths.set(path, length);
      res.writeHead(200, { etag: `"${md5.digest('hex')}"`, 'content-length': '0' });
      res.end();
    });
    return;
  }
  if (req.method === 'GET' && isObject) {
    const length = lengths.get(path);
    if (length === undefined) {
      res.writeHead(404, { 'content-length': '0' });
      res.end();
      return;
    }
    res.writeHead(200, { 'content-length': String(length), 'content-type': 'application/octet-stream' });
    sendBytes(res, length);
    return;
  }
  req.resume();
  res.writeHead(200, { 'content-length': '0' });
  res.end();
});

/** Writes `left` bytes from the pre-generated block, honouring backpressure. */
function sendBytes(res: ServerResponse, left: number): void {
  while (left > 0) {
    const n = Math.min(blockBytes, left);
    left -= n;
    if (left === 0) {
      res.end(block.subarray(0, n));
      return;
    }
    if (!res.write(block.subarray(0, n))) {
      res.once('drain', () => sendBytes(res, left));
      return;
    }
  }
  res.end();
}

server.keepAliveTimeout = 60_000;
server.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
const stop = (): void => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
