// The only reader of configuration: defaults, then a JSON file (config/*.json or --config),
// then command-line flags. The result is typed, validated and frozen.

import { readFileSync } from 'node:fs';
import { limits } from './limits.js';

export interface HostPort {
  host: string;
  port: number;
}

export interface TesseraConfig {
  dataDir: string;
  s3: HostPort;
  admin: HostPort;
  drives: number;
  region: string;
  /** Domains for virtual-host-style addressing: bucket.<domain>. */
  domains: string[];
  storageClass: string;
  chunking: { minSizeBytes: number; avgSizeBytes: number; maxSizeBytes: number };
  gc: { intervalMs: number; gracePeriodMs: number };
  scrub: { intervalMs: number; bytesPerSecondMax: number };
  /** How often lifecycle rules are applied, and the length of a lifecycle day (shorter only for tests). */
  lifecycle: { intervalMs: number; dayMs: number };
  logLevel: string;
  /** SSE master key (base64, 32 bytes); empty: TESSERA_MASTER_KEY, else <data>/master-key.json. */
  encryption: { masterKeyBase64: string };
}

export const defaultConfig: TesseraConfig = {
  dataDir: './data',
  s3: { host: '127.0.0.1', port: 9900 },
  admin: { host: '127.0.0.1', port: 9901 },
  drives: 6,
  region: 'us-east-1',
  domains: ['localhost'],
  storageClass: 'STANDARD',
  chunking: { minSizeBytes: limits.chunkSizeBytesMin, avgSizeBytes: limits.chunkSizeBytesAvg, maxSizeBytes: limits.chunkSizeBytesMax },
  gc: { intervalMs: limits.gcIntervalMs, gracePeriodMs: limits.gcGracePeriodMs },
  scrub: { intervalMs: limits.scrubIntervalMs, bytesPerSecondMax: limits.scrubBytesPerSecondMax },
  lifecycle: { intervalMs: limits.lifecycleIntervalMs, dayMs: limits.lifecycleDayMs },
  logLevel: 'info',
  encryption: { masterKeyBase64: '' },
};

export class ConfigError extends Error {
  readonly code = 'TESSERA_CONFIG';
}

export function parseHostPort(v: string, what: string): HostPort {
  const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(v);
  if (!m || Number(m[2]) > 65535) throw new ConfigError(`${what}: expected HOST:PORT, got ${JSON.stringify(v)}`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

export interface ConfigOverrides {
  config?: string;
  dataDir?: string;
  s3Address?: string;
  adminAddress?: string;
  drives?: string | number;
  region?: string;
  logLevel?: string;
}

type Json = Record<string, unknown>;

function merge<T>(base: T, over: unknown): T {
  if (over === undefined || over === null || typeof over !== 'object' || Array.isArray(over)) return (over ?? base) as T;
  const out = { ...(base as Json) };
  for (const [k, v] of Object.entries(over as Json)) {
    if (!(k in out)) throw new ConfigError(`unknown configuration key ${JSON.stringify(k)}`);
    out[k] = merge(out[k], v);
  }
  return out as T;
}

export function loadConfig(o: ConfigOverrides = {}, base: TesseraConfig = defaultConfig): Readonly<TesseraConfig> {
  let c: TesseraConfig = structuredClone(base);
  if (o.config) {
    let file: unknown;
    try {
      file = JSON.parse(readFileSync(o.config, 'utf8'));
    } catch (err) {
      throw new ConfigError(`cannot read config ${o.config}: ${(err as Error).message}`);
    }
    const { s3Address, adminAddress, ...rest } = file as Json;
    c = merge(c, rest);
    if (typeof s3Address === 'string') c.s3 = parseHostPort(s3Address, 's3Address');
    if (typeof adminAddress === 'string') c.admin = parseHostPort(adminAddress, 'adminAddress');
  }
  if (o.dataDir) c.dataDir = o.dataDir;
  if (o.s3Address) c.s3 = parseHostPort(o.s3Address, '--s3-address');
  if (o.adminAddress) c.admin = parseHostPort(o.adminAddress, '--admin-address');
  if (o.drives !== undefined) c.drives = Number(o.drives);
  if (o.region) c.region = o.region;
  if (o.logLevel) c.logLevel = o.logLevel;
  validate(c);
  return deepFreeze(c);
}

function validate(c: TesseraConfig): void {
  if (!Number.isInteger(c.drives) || c.drives < 1 || c.drives > 64) throw new ConfigError('drives must be an integer from 1 to 64');
  const { minSizeBytes: min, avgSizeBytes: avg, maxSizeBytes: max } = c.chunking;
  if (!(limits.chunkSizeBytesFloor <= min && min < avg && avg < max && max <= limits.chunkSizeBytesCeiling)) {
    throw new ConfigError(`chunking: need ${limits.chunkSizeBytesFloor} <= min < avg < max <= ${limits.chunkSizeBytesCeiling}`);
  }
  if ((avg & (avg - 1)) !== 0) throw new ConfigError('chunking.avgSizeBytes must be a power of two');
  if (!(c.scrub.intervalMs >= 1000 && c.scrub.bytesPerSecondMax >= 1024 * 1024)) throw new ConfigError('scrub: intervalMs >= 1000 and bytesPerSecondMax >= 1 MiB');
  if (!(c.lifecycle.intervalMs >= 100 && c.lifecycle.dayMs >= 1000)) throw new ConfigError('lifecycle: intervalMs >= 100 and dayMs >= 1000');
  if (!/^[a-z0-9-]{1,32}$/.test(c.region)) throw new ConfigError('region: lower-case letters, digits and dashes');
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
