// Path-style (/bucket/key) and virtual-host-style (bucket.domain/key) addressing. The
// bucket is the first segment of the raw path as sent; nothing is normalised, so
// "/a/../b/k" is key "../b/k" in bucket "a" and can never reach bucket "b".

import { limits } from '../limits.js';
import { S3Error } from './errors.js';

export interface Address {
  bucket?: string;
  key?: string;
  rawPath: string;
  rawQuery: string;
  /** True when the bucket came from the Host header. */
  virtualHost: boolean;
}

function decodePathPart(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new S3Error('InvalidURI');
  }
}

export function parseAddress(url: string, host: string | undefined, domains: readonly string[]): Address {
  const q = url.indexOf('?');
  const rawPath = q >= 0 ? url.slice(0, q) : url;
  const rawQuery = q >= 0 ? url.slice(q + 1) : '';
  if (!rawPath.startsWith('/')) throw new S3Error('InvalidURI');
  const hostname = (host ?? '').replace(/:\d+$/, '').toLowerCase();
  let vhostBucket: string | undefined;
  for (const d of domains) {
    if (hostname.endsWith('.' + d)) {
      vhostBucket = hostname.slice(0, -(d.length + 1));
      break;
    }
  }
  let bucket: string | undefined;
  let key: string | undefined;
  if (vhostBucket !== undefined) {
    bucket = vhostBucket;
    const k = rawPath.slice(1);
    if (k !== '') key = decodePathPart(k);
  } else {
    const rest = rawPath.slice(1);
    const slash = rest.indexOf('/');
    const b = slash >= 0 ? rest.slice(0, slash) : rest;
    if (b !== '') bucket = decodePathPart(b);
    if (slash >= 0 && slash + 1 < rest.length) key = decodePathPart(rest.slice(slash + 1));
  }
  if (key !== undefined && Buffer.byteLength(key, 'utf8') > limits.keyLengthBytesMax) throw new S3Error('KeyTooLongError');
  return { bucket, key, rawPath, rawQuery, virtualHost: vhostBucket !== undefined };
}

/** S3 bucket naming rules (the strict, DNS-compatible ones AWS applies to new buckets). */
export function validBucketName(name: string): boolean {
  if (name.length < limits.bucketNameLengthMin || name.length > limits.bucketNameLengthMax) return false;
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) return false;
  if (/\.\.|\.-|-\./.test(name)) return false;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return false;
  if (name.startsWith('xn--') || name.endsWith('-s3alias') || name.startsWith('sthree-')) return false;
  return true;
}
