// Recycled buffers for the write path's big, short-lived allocations: the chunk the
// chunker emits and the k+m fragment stripe of each chunk. Without them a large PUT
// allocated ~3.5 bytes of external (ArrayBuffer) memory per body byte, and V8 starts a
// full mark-compact every time external memory grows by 64 MiB: ~5 major GCs a second
// at 80 MB/s, which cost more CPU (on V8's helper threads) than MD5 did.
//
// Buffers come in power-of-two size classes and are handed out as views of exactly the
// requested size. A buffer goes back only through give(), and only once: the pool
// tracks which of its buffers are out, so a second give() of the same view, or a view
// the pool never handed out, is ignored rather than handed to two owners. Callers give
// a buffer back only when nothing can still read it (fragment writes settled); on any
// error they simply drop it and the GC frees it. Idle buffers are bounded in bytes.

const CLASS_BYTES_MIN = 64 * 1024;

export class BufferPool {
  private readonly free = new Map<number, ArrayBuffer[]>();
  private readonly out = new WeakSet<ArrayBuffer>();
  private idleBytes = 0;

  constructor(
    /** Requests above this are plain allocations, never pooled. */
    readonly bufferBytesMax: number,
    /** Bytes of idle buffers kept for reuse; beyond it given buffers are dropped. */
    readonly idleBytesMax: number,
  ) {}

  /** A buffer of exactly `size` bytes, uninitialised (a view of a pooled one when it fits). */
  take(size: number): Buffer {
    if (size > this.bufferBytesMax || size <= 0) return Buffer.allocUnsafeSlow(size);
    const classBytes = sizeClass(size);
    const list = this.free.get(classBytes);
    let ab = list?.pop();
    if (ab !== undefined) this.idleBytes -= classBytes;
    else ab = new ArrayBuffer(classBytes);
    this.out.add(ab);
    return Buffer.from(ab, 0, size);
  }

  /** Returns a buffer from take() for reuse; the caller must not touch it afterwards. */
  give(view: Uint8Array): void {
    const ab = view.buffer;
    if (!(ab instanceof ArrayBuffer) || !this.out.has(ab)) return;
    this.out.delete(ab);
    if (this.idleBytes + ab.byteLength > this.idleBytesMax) return;
    let list = this.free.get(ab.byteLength);
    if (list === undefined) this.free.set(ab.byteLength, (list = []));
    list.push(ab);
    this.idleBytes += ab.byteLength;
  }

  /** Bytes held idle (for tests and metrics). */
  get idle(): number {
    return this.idleBytes;
  }
}

function sizeClass(size: number): number {
  let c = CLASS_BYTES_MIN;
  while (c < size) c *= 2;
  return c;
}
