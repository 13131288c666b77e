// Starts a real Tessera server on 127.0.0.1 port 0 with a temp data dir, and an
// @aws-sdk/client-s3 client pointed at it (path style, default checksum settings).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { pino } from 'pino';
import { loadConfig, type TesseraConfig } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server.js';

export const TEST_ACCESS_KEY = 'TESTACCESSKEY0000001';
export const TEST_SECRET_KEY = 'test-secret-key-0000000000000000000000001';

export interface TestServer {
  server: RunningServer;
  client: S3Client;
  dataDir: string;
  config: Readonly<TesseraConfig>;
  /** Stops the server (keeps the data). */
  stop(): Promise<void>;
  /** Stops the server and removes its data. */
  close(): Promise<void>;
}

export function s3Client(endpoint: string, opts: { accessKeyId?: string; secretAccessKey?: string } = {}): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: opts.accessKeyId ?? TEST_ACCESS_KEY, secretAccessKey: opts.secretAccessKey ?? TEST_SECRET_KEY },
    maxAttempts: 1,
  });
}

export async function startTestServer(opts: { dataDir?: string; chunking?: TesseraConfig['chunking']; gcGraceMs?: number; lifecycle?: TesseraConfig['lifecycle'] } = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'tessera-test-'));
  const base = loadConfig({ dataDir, s3Address: '127.0.0.1:0', adminAddress: '127.0.0.1:0', logLevel: 'silent' });
  const config = Object.freeze({
    ...base,
    chunking: opts.chunking ?? { minSizeBytes: 16 * 1024, avgSizeBytes: 64 * 1024, maxSizeBytes: 256 * 1024 },
    gc: { intervalMs: 3_600_000, gracePeriodMs: opts.gcGraceMs ?? 0 },
    lifecycle: opts.lifecycle ?? base.lifecycle,
  });
  const server = await startServer(config, pino({ level: process.env['TESSERA_TEST_LOG'] ?? 'silent' }), { TESSERA_ACCESS_KEY: TEST_ACCESS_KEY, TESSERA_SECRET_KEY: TEST_SECRET_KEY });
  const client = s3Client(server.s3Url);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    client.destroy();
    await server.close();
  };
  return {
    server,
    client,
    dataDir,
    config,
    stop,
    close: async () => {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
