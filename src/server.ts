// Composition of the embedded single-node server: metadata (LMDB + state machine), six
// drive directories with their fragment stores, the pipeline, the S3 and admin HTTP
// servers, and GC. main.ts calls it from the CLI; tests call it with a temp dir and port 0.

import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { ConfigError, type TesseraConfig } from './config.js';
import { limits } from './limits.js';
import { openMetaTables } from './index/meta-db.js';
import { StateMachine } from './metadata/state-machine.js';
import { loadRootCredentials, type RootCredentials } from './metadata/credentials.js';
import { UserDirectory } from './metadata/users.js';
import { loadMasterKey } from './metadata/master-key.js';
import { SseKeys } from './gateway/sse.js';
import { PolicyCache } from './s3/access/policy-cache.js';
import { FragmentStore } from './storage/fragment-store.js';
import { Placer, fragmentCount, singleNodeMap, storageClassByName } from './placement/index.js';
import { ChunkIO, type FragmentIO } from './pipeline/chunk-io.js';
import { PinSet } from './gateway/pins.js';
import { ObjectService } from './gateway/object-service.js';
import { MultipartService } from './gateway/multipart.js';
import { GarbageCollector } from './gc/collector.js';
import { RepairQueue } from './repair/repair-queue.js';
import { Scrubber } from './repair/scrubber.js';
import { LifecycleWorker } from './lifecycle/worker.js';
import { createS3App } from './s3/app.js';
import { createAdminApp } from './admin/app.js';
import { S3Metrics } from './admin/metrics.js';

export interface RunningServer {
  s3Url: string;
  adminUrl: string;
  credentials: RootCredentials;
  objects: ObjectService;
  gc: GarbageCollector;
  repairs: RepairQueue;
  scrubber: Scrubber;
  lifecycle: LifecycleWorker;
  /** Settles when the start-up rebuild of wiped drives (if any) has finished. */
  healing: Promise<unknown>;
  drives: FragmentStore[];
  close(): Promise<void>;
}

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

function url(a: AddressInfo): string {
  return `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
}

export async function startServer(config: Readonly<TesseraConfig>, logger: Logger, env: NodeJS.ProcessEnv = process.env): Promise<RunningServer> {
  const dataDir = config.dataDir;
  mkdirSync(join(dataDir, 'meta'), { recursive: true });
  const credentials = loadRootCredentials(dataDir, env);
  // SSE master key: loaded before anything is served; never logged.
  const sse = new SseKeys(loadMasterKey(dataDir, config.encryption.masterKeyBase64, env).key);
  const tables = openMetaTables(join(dataDir, 'meta'));
  const stateMachine = new StateMachine(tables);
  const drives: FragmentStore[] = [];
  for (let i = 0; i < config.drives; i++) {
    const dir = join(dataDir, `drive-${i}`);
    mkdirSync(dir, { recursive: true });
    drives.push(await FragmentStore.open({ dir }));
  }
  const map = singleNodeMap(config.drives);
  const placer = new Placer(map);
  // A default class the drives cannot honour is a start-up error, not a silent downgrade.
  const defaultClass = storageClassByName(config.storageClass);
  if (fragmentCount(defaultClass) > config.drives) {
    for (const d of drives) await d.close();
    await tables.root.close();
    throw new ConfigError(`storage class ${defaultClass.name} needs ${fragmentCount(defaultClass)} drives (k=${defaultClass.k} + m=${defaultClass.m}); --drives is ${config.drives}`);
  }
  const fragmentIO: FragmentIO = {
    put: (d, id, data, opts) => drives[d.index]!.put(id, data, opts),
    get: async (d, id) => {
      try {
        return await drives[d.index]!.get(id);
      } catch (err) {
        logger.warn({ err, drive: d.index, fragment: id.toString('hex') }, 'fragment unreadable; rebuilding from the others');
        return null;
      }
    },
  };
  const pins = new PinSet();
  const chunkIO = new ChunkIO(fragmentIO, () => placer);
  const repairs = new RepairQueue({
    chunkIO,
    lookupChunk: (fp) => tables.chunks.get(Buffer.from(fp)),
    allChunks: () => tables.chunks.getKeys({}),
    storageClass: storageClassByName,
    pins,
    logger,
  });
  const objects = new ObjectService({
    tables,
    stateMachine,
    chunkIO,
    pins,
    chunker: config.chunking,
    defaultStorageClass: config.storageClass,
    now: () => Date.now(),
    onDamaged: (fp, fragments) => {
      logger.warn({ chunk: Buffer.from(fp).toString('hex'), fragments }, 'damaged fragments served by reconstruction; repair queued');
      repairs.enqueue(fp);
    },
  });
  const multipart = new MultipartService(objects);
  const users = new UserDirectory({ tables, apply: (cmd) => stateMachine.apply(cmd), root: credentials, now: () => Date.now() });
  const scrubber = new Scrubber({ drives, repairs, logger, bytesPerSecondMax: config.scrub.bytesPerSecondMax, intervalMs: config.scrub.intervalMs });
  // A drive that opened empty while chunks are indexed was wiped or replaced: rebuild its
  // fragments in the background (reads meanwhile reconstruct from the other drives).
  const emptyDrives = drives.flatMap((d, i) => (d.stats().fragments === 0 ? [i] : []));
  let healing: Promise<unknown> = Promise.resolve();
  if (emptyDrives.length > 0 && tables.chunks.getKeysCount({ limit: 1 }) > 0) {
    logger.warn({ drives: emptyDrives }, 'empty drives while chunks are indexed; rebuilding their fragments');
    healing = repairs.healAll().then(
      (r) => logger.info(r, 'drive rebuild finished'),
      (err: unknown) => logger.error({ err }, 'drive rebuild failed'),
    );
  }
  const gc = new GarbageCollector({ tables, stateMachine, pins, drives, now: () => Date.now(), gracePeriodMs: config.gc.gracePeriodMs });
  // Orphans of a crashed run are reclaimed before any request can pin anything.
  const startup = await gc.run();
  if (startup.orphansDeleted > 0) logger.info(startup, 'reclaimed orphan fragments left by an earlier run');

  const metrics = new S3Metrics(
    () => {
      const s = objects.stats();
      let stored = 0;
      for (const d of drives) stored += d.stats().bytesLive;
      return { logical: s.logicalBytes, deduplicated: s.uniqueBytes, compressed: s.compressedBytes, stored: stored + s.inlineBytes };
    },
    () => objects.stats().objects,
  );
  const s3App = createS3App({
    services: { objects, multipart, sse, region: config.region, now: () => Date.now(), accounts: users, policies: new PolicyCache() },
    credentials: (ak) => users.byAccessKey(ak),
    domains: config.domains,
    logger,
    metrics,
  });
  const s3Server = createServer({ maxHeaderSize: limits.headerBytesMax }, s3App.callback());
  s3Server.keepAliveTimeout = limits.httpKeepAliveMs;
  // Large bodies may stream for long, so no whole-request deadline; a silent socket is closed.
  s3Server.requestTimeout = 0;
  s3Server.timeout = limits.httpSocketIdleMs;
  s3Server.headersTimeout = limits.httpHeadersTimeoutMs;
  // Node answers 417 to any Expect other than 100-continue; S3 ignores unknown expectations
  // (s3-tests test_bucket_create_bad_expect_mismatch sends "Expect: 200").
  s3Server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => s3Server.emit('request', req, res));
  // Bytes that do not parse as HTTP (a client that sent more body than its Content-Length said)
  // while a request on the same connection is still being answered: Node's default would write
  // its 400 and destroy the socket first, so the client would never see the answer to the
  // request it sent (BadDigest, say). That answer goes out first, then the connection closes.
  s3Server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    const pending = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
    // Only a parse error after a complete request waits: a reset connection, or bad bytes
    // inside the body being read, must end that request now (it would wait for bytes forever).
    if (pending && !pending.writableFinished && err.code?.startsWith('HPE_') && pending.req.complete) {
      const close = () => socket.destroy();
      pending.once('finish', close);
      pending.once('close', close);
      return;
    }
    // Otherwise as Node's default: a status line if nothing was written yet, then destroy.
    if (socket.writable && !pending?.headersSent && (socket as Duplex & { bytesWritten?: number }).bytesWritten === 0) {
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
      socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    }
    socket.destroy();
  });
  // Expect: 100-continue: "100 Continue" goes out only when an operation starts reading the
  // body, i.e. after authentication and authorization (s3/body.ts), so a refused request
  // answers 403 before the client sends its body.
  s3Server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => s3Server.emit('request', req, res));
  const sockets = new Set<Socket>();
  s3Server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  let serving = false;
  const ready = async () => {
    if (!serving) return { ready: false, reason: 'the S3 port is not serving' };
    for (const [i, d] of drives.entries()) {
      const h = await d.health();
      if (!h.ok) return { ready: false, reason: `drive-${i}: ${h.reason}` };
    }
    return { ready: true };
  };
  const adminServer = createServer(createAdminApp({ metrics, ready, users: { users, root: credentials, now: () => Date.now() } }).callback());
  const s3Addr = await listen(s3Server, config.s3.host, config.s3.port);
  serving = true;
  const adminAddr = await listen(adminServer, config.admin.host, config.admin.port);
  const gcTimer = setInterval(() => {
    gc.run().then(
      (r) => {
        if (r.chunksReclaimed + r.orphansDeleted > 0) logger.info(r, 'gc');
      },
      (err: unknown) => logger.error({ err }, 'gc failed'),
    );
  }, config.gc.intervalMs);
  gcTimer.unref();
  scrubber.start();
  const lifecycle = new LifecycleWorker({ objects, multipart, now: () => Date.now(), dayMs: config.lifecycle.dayMs, logger });
  let lifecyclePass: Promise<unknown> = Promise.resolve();
  const lifecycleTimer = setInterval(() => {
    lifecyclePass = lifecycle.run().then(
      (r) => {
        if (r.expired + r.uploadsAborted > 0) logger.info(r, 'lifecycle');
      },
      (err: unknown) => logger.error({ err }, 'lifecycle pass failed'),
    );
  }, config.lifecycle.intervalMs);
  lifecycleTimer.unref();

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      serving = false;
      clearInterval(gcTimer);
      clearInterval(lifecycleTimer);
      const s3Closed = new Promise<void>((r) => s3Server.close(() => r()));
      s3Server.closeIdleConnections();
      const deadline = setTimeout(() => {
        for (const s of sockets) s.destroy();
      }, limits.shutdownGraceMs);
      await s3Closed;
      clearTimeout(deadline);
      await new Promise<void>((r) => adminServer.close(() => r()));
      adminServer.closeAllConnections();
      await scrubber.stop();
      await lifecyclePass;
      await repairs.stop();
      await healing;
      for (const d of drives) await d.close();
      await tables.root.close();
    })());

  return { s3Url: url(s3Addr), adminUrl: url(adminAddr), credentials, objects, gc, repairs, scrubber, lifecycle, healing, drives, close };
}
