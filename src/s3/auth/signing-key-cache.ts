// A bounded cache of SigV4 signing keys. Deriving a key costs four HMACs, about half of what
// authenticating a small request costs, and a key stays the same for a whole day per access
// key, region and service, so a gateway keeps one cache and passes it to every authenticate().

import { LRUCache } from 'lru-cache';
import { limits } from '../../limits.js';
import { signingKey } from './canonical.js';

interface Entry {
  secretAccessKey: string;
  key: Buffer;
}

export class SigningKeyCache {
  private readonly entries: LRUCache<string, Entry>;

  constructor(maxEntries: number = limits.signingKeyCacheEntriesMax) {
    this.entries = new LRUCache<string, Entry>({ max: maxEntries });
  }

  /** The signing key for these inputs; derived on a miss or when the secret has changed. */
  get(accessKeyId: string, secretAccessKey: string, date: string, region: string, service: string): Buffer {
    const id = `${accessKeyId}\n${date}\n${region}\n${service}`;
    const hit = this.entries.get(id);
    // Compare the secret too, so a rotated secret never meets a key derived from the old one.
    if (hit !== undefined && hit.secretAccessKey === secretAccessKey) return hit.key;
    const key = signingKey(secretAccessKey, date, region, service);
    this.entries.set(id, { secretAccessKey, key });
    return key;
  }
}
