// A lean S3 client for benchmarks: undici's Pool plus aws4's SigV4 signer. The AWS SDK
// spends 1.5–2 ms of CPU per request, so it cannot drive small-object workloads past
// ~500 ops/s on two cores; this client spends tens of microseconds. Bodies are sent as
// UNSIGNED-PAYLOAD so that signing never hashes the body, large bodies stream from a
// generator (never held whole in memory), and GET drains the body without keeping it.

import { randomFillSync } from 'node:crypto';
import aws4 from 'aws4';
import { Readable } from 'node:stream';
import { Pool, type Dispatcher } from 'undici';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface Endpoint {
  readonly host: string;
  readonly port: number;
  readonly credentials: Credentials;
  readonly region?: string;
}

export type Body = Buffer | Readable | AsyncIterable<Uint8Array>;

export class S3RequestError extends Error {
  readonly code = 'BENCH_S3_REQUEST';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly statusCode: number,
    readonly responseText: string,
  ) {
    super(`${method} ${path} → ${statusCode}: ${responseText.slice(0, 300)}`);
  }
}

export class LeanClient {
  private readonly pool: Pool;
  private readonly hostHeader: string;

  constructor(
    private readonly endpoint: Endpoint,
    connections: number,
  ) {
    this.hostHeader = `${endpoint.host}:${endpoint.port}`;
    this.pool = new Pool(`http://${this.hostHeader}`, {
      connections,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      // A 256 MiB PUT through a slow pipeline may take a while; never hang forever.
      headersTimeout: 300_000,
      bodyTimeout: 300_000,
    });
  }

  async createBucket(bucket: string): Promise<void> {
    const { statusCode, text } = await this.send('PUT', `/${bucket}`, {}, undefined);
    // 409 BucketAlreadyOwnedByYou is fine for a rerun against a kept data dir.
    if (statusCode >= 300 && statusCode !== 409) throw new S3RequestError('PUT', `/${bucket}`, statusCode, text);
  }

  /** PUT an object; `lengthBytes` is required because S3 rejects bodies without a length. */
  async putObject(bucket: string, key: string, body: Body, lengthBytes: number): Promise<string> {
    const path = objectPath(bucket, key);
    const { statusCode, text, etag } = await this.send(
      'PUT',
      path,
      { 'content-length': String(lengthBytes), 'content-type': 'application/octet-stream' },
      body,
    );
    if (statusCode !== 200) throw new S3RequestError('PUT', path, statusCode, text);
    return etag;
  }

  /** GET an object and drain its body; returns the number of bytes received. */
  async getObject(bucket: string, key: string): Promise<number> {
    const path = objectPath(bucket, key);
    const res = await this.pool.request({ method: 'GET', path, headers: this.sign('GET', path, {}) });
    if (res.statusCode !== 200) {
      const text = await res.body.text();
      throw new S3RequestError('GET', path, res.statusCode, text);
    }
    let received = 0;
    for await (const chunk of res.body) received += (chunk as Buffer).length;
    return received;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private async send(
    method: Dispatcher.HttpMethod,
    path: string,
    headers: Record<string, string>,
    body: Body | undefined,
  ): Promise<{ statusCode: number; text: string; etag: string }> {
    const payload = body === undefined || Buffer.isBuffer(body) || body instanceof Readable ? body : Readable.from(body);
    const res = await this.pool.request({ method, path, headers: this.sign(method, path, headers), body: payload });
    const text = await res.body.text();
    const etag = res.headers['etag'];
    return { statusCode: res.statusCode, text, etag: typeof etag === 'string' ? etag : '' };
  }

  private sign(method: string, path: string, headers: Record<string, string>): Record<string, string> {
    const request = {
      host: this.hostHeader,
      path,
      method,
      service: 's3',
      region: this.endpoint.region ?? 'us-east-1',
      headers: { ...headers, host: this.hostHeader, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
    };
    aws4.sign(request, this.endpoint.credentials);
    return request.headers as Record<string, string>;
  }
}

function objectPath(bucket: string, key: string): string {
  return `/${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

/** Unique, incompressible bytes in fresh blocks (a reused buffer could still be queued on the socket). */
export async function* randomStream(totalBytes: number, blockBytes = 1024 * 1024): AsyncGenerator<Buffer> {
  let left = totalBytes;
  while (left > 0) {
    const n = Math.min(blockBytes, left);
    yield randomFillSync(Buffer.allocUnsafe(n));
    left -= n;
  }
}

export interface LoadResult {
  readonly ops: number;
  readonly errors: number;
  readonly elapsedMs: number;
  readonly opsPerSecond: number;
  readonly latencyMsP50: number;
  readonly latencyMsP99: number;
  /** CPU this (client) process spent per completed operation, to show what the client costs. */
  readonly clientCpuUsPerOp: number;
  readonly firstError?: string;
}

export interface LoadOptions {
  readonly concurrency: number;
  readonly opsMax: number;
  readonly durationMsMax: number;
  /** Stop early once this many operations have failed: a broken target should not spin. */
  readonly errorsMax?: number;
  readonly op: (index: number) => Promise<unknown>;
}

/** Runs `op` with bounded concurrency until opsMax operations or durationMsMax, whichever first. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies = new Float64Array(options.opsMax);
  const errorsMax = options.errorsMax ?? 50;
  let next = 0;
  let done = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const deadline = started + options.durationMsMax;
  const worker = async (): Promise<void> => {
    while (next < options.opsMax && errors < errorsMax && performance.now() < deadline) {
      const index = next++;
      const t0 = performance.now();
      try {
        await options.op(index);
        latencies[done++] = performance.now() - t0;
      } catch (err) {
        errors++;
        firstError ??= (err as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuStart);
  const sorted = latencies.subarray(0, done).sort();
  const pick = (q: number): number => (done === 0 ? NaN : sorted[Math.min(done - 1, Math.floor(q * done))]!);
  return {
    ops: done,
    errors,
    elapsedMs,
    opsPerSecond: (done * 1000) / elapsedMs,
    latencyMsP50: pick(0.5),
    latencyMsP99: pick(0.99),
    clientCpuUsPerOp: done === 0 ? NaN : (cpu.user + cpu.system) / done,
    firstError,
  };
}
