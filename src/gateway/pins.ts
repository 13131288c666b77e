// Fingerprints that in-flight writes use. GC skips pinned chunks (and their fragments), so
// a chunk that a write has deduplicated against or just stored is never reclaimed before
// the write commits (invariant 4). Counted, because concurrent writes may share a chunk.

export class PinSet {
  private readonly counts = new Map<string, number>();

  pin(fp: Uint8Array): void {
    const k = Buffer.from(fp).toString('hex');
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
  }

  unpin(fp: Uint8Array): void {
    const k = Buffer.from(fp).toString('hex');
    const n = (this.counts.get(k) ?? 0) - 1;
    if (n <= 0) this.counts.delete(k);
    else this.counts.set(k, n);
  }

  unpinAll(fps: Iterable<Uint8Array>): void {
    for (const fp of fps) this.unpin(fp);
  }

  has(fp: Uint8Array): boolean {
    return this.counts.has(Buffer.from(fp).toString('hex'));
  }

  get size(): number {
    return this.counts.size;
  }
}
