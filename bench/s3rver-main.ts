// Runs s3rver (the plain-files peer) as its own process for the benchmarks:
//   node dist/bench/s3rver-main.js <port> <directory>
// It binds 127.0.0.1 only, logs nothing, and prints "ready" once it listens.
// s3rver accepts any well-formed SigV4 signature from its built-in key S3RVER/S3RVER.

import { createRequire } from 'node:module';

interface S3rverInstance {
  run(): Promise<unknown>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;

const require = createRequire(import.meta.url);
const S3rver = require('s3rver') as S3rverClass;

const port = Number(process.argv[2]);
const directory = process.argv[3];
if (!Number.isInteger(port) || port <= 0 || !directory) {
  process.stderr.write('usage: s3rver-main.js <port> <directory>\n');
  process.exit(2);
}

const server = new S3rver({ address: '127.0.0.1', port, directory, silent: true });
await server.run();
process.stdout.write('ready\n');

const stop = (): void => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
