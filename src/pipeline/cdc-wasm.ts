// The gear-hash inner loop of the chunker as a hand-assembled WebAssembly function.
//
// Why: the loop is one shift, one add, two loads and a test per byte, and in
// JavaScript each typed-array load carries a bounds check that V8 cannot remove;
// WebAssembly loads from linear memory have none (guard pages instead). The design
// table measured ~2x for WASM over optimised JS. The module is ~300 bytes
// assembled below, so there is no build step and no toolchain dependency.
//
// Contract, identical to Chunker's JavaScript region loop: scan(ptr, len, h, mask)
// hashes the bytes at [ptr, ptr + len) with h = (h << 1) + GEAR[byte] and returns
// the offset just past the first byte whose hash has every `mask` bit zero; if
// there is none it stores the running hash at HASH_ADDRESS and returns -1.
//
// Memory layout (one 64 KiB page for the table and hash, the rest a data window):
//   [0, 1024)            the gear table, 256 little-endian int32
//   [1024, 1028)         the running hash when scan() returns -1
//   [WINDOW_OFFSET, ...)  the bytes being scanned, copied in by the caller

// The project's lib settings carry no WebAssembly types (they live in lib.dom);
// these declare the little that is used here. Runtime: the Node.js global.
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports: object);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
  }
}

const GEAR_BYTES = 1024;
const HASH_ADDRESS = 1024;
const WINDOW_OFFSET = 65536;
/** Bytes copied into linear memory per scan() call. */
export const WASM_WINDOW_BYTES = 65536;
const PAGES = (WINDOW_OFFSET + WASM_WINDOW_BYTES) / 65536;

/** Wraps a section's contents with its id and byte length. */
function section(id: number, contents: number[]): number[] {
  return [id, ...leb128(contents.length), ...contents];
}

const I32 = 0x7f;
const op = {
  block: 0x02, loop: 0x03, if: 0x04, end: 0x0b, br: 0x0c, brIf: 0x0d, return: 0x0f, void: 0x40,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  i32Load: 0x28, i32Load8u: 0x2d, i32Store: 0x36, i32Const: 0x41,
  i32Eqz: 0x45, i32LtU: 0x49, i32GeU: 0x4f, i32Add: 0x6a, i32Sub: 0x6b, i32And: 0x71, i32Shl: 0x74,
} as const;

// Parameters 0..3 = ptr, len, h, mask; locals 4..6 = i, end, end - 3.
const [PTR, LEN, H, MASK, I, END, END4] = [0, 1, 2, 3, 4, 5, 6];

/**
 * One byte at i + offset: h = (h << 1) + load32(load8u(i + offset) << 2), and if
 * (h & mask) == 0, return i + offset + 1 - ptr.
 */
function step(offset: number): number[] {
  return [
    op.localGet, H, op.i32Const, 1, op.i32Shl,
    op.localGet, I, op.i32Load8u, 0, offset,
    op.i32Const, 2, op.i32Shl, op.i32Load, 2, 0,
    op.i32Add, op.localTee, H,
    op.localGet, MASK, op.i32And, op.i32Eqz,
    op.if, op.void,
    op.localGet, I, op.i32Const, offset + 1, op.i32Add, op.localGet, PTR, op.i32Sub, op.return,
    op.end,
  ];
}

/** while (i < limit) { body; i += stride } */
function loopWhileBelow(limit: number, stride: number, body: number[]): number[] {
  return [
    op.block, op.void,
    op.loop, op.void,
    op.localGet, I, op.localGet, limit, op.i32GeU, op.brIf, 1,
    ...body,
    op.localGet, I, op.i32Const, stride, op.i32Add, op.localSet, I,
    op.br, 0,
    op.end,
    op.end,
  ];
}

function scanBody(): number[] {
  const code = [
    1, 3, I32, // three i32 locals
    op.localGet, PTR, op.localSet, I,
    op.localGet, PTR, op.localGet, LEN, op.i32Add, op.localSet, END,
    // ptr >= WINDOW_OFFSET, so end - 3 cannot wrap around.
    op.localGet, END, op.i32Const, 3, op.i32Sub, op.localSet, END4,
    // Unrolled by four (load offsets 0..3 avoid the index arithmetic), then the tail.
    ...loopWhileBelow(END4, 4, [...step(0), ...step(1), ...step(2), ...step(3)]),
    ...loopWhileBelow(END, 1, step(0)),
    // i32.const 1024 is 0x80 0x08 in signed LEB128.
    op.i32Const, 0x80, 0x08, op.localGet, H, op.i32Store, 2, 0,
    op.i32Const, 0x7f, // -1
    op.end,
  ];
  return [...leb128(code.length), ...code];
}

/** Unsigned LEB128. */
function leb128(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

function assembleModule(): Uint8Array {
  const name = (s: string) => [s.length, ...Buffer.from(s, 'latin1')];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 4, I32, I32, I32, I32, 1, I32]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0x00, PAGES]),
    ...section(7, [2, ...name('scan'), 0x00, 0, ...name('memory'), 0x02, 0]),
    ...section(10, [1, ...scanBody()]),
  ];
  return Uint8Array.from(bytes);
}

// Compiled once per process: a WebAssembly.Module is immutable and shareable.
// null where WebAssembly is unavailable (node --jitless): chunkers then stay on
// the JavaScript loop, which cuts at the same places.
const scanModule: WebAssembly.Module | null = compileScanModule();

function compileScanModule(): WebAssembly.Module | null {
  try {
    return new WebAssembly.Module(assembleModule());
  } catch {
    return null;
  }
}

/** Whether WasmGearScanner can be constructed in this process. */
export function wasmAvailable(): boolean {
  return scanModule !== null;
}

type ScanFn = (ptr: number, len: number, h: number, mask: number) => number;

/**
 * One instance (128 KiB of linear memory) per Chunker. scanRegion() has the same
 * contract as the JavaScript loop it replaces: hash data[from, lim) continuing
 * from `hash`, return the index just past the first matching byte or -1, and
 * leave the running hash in `hash`.
 */
export class WasmGearScanner {
  hash = 0;
  private readonly bytes: Uint8Array;
  private readonly words: Int32Array;
  private readonly scan: ScanFn;

  constructor(gear: Int32Array) {
    if (scanModule === null) throw new Error('WebAssembly is not available in this process');
    const instance = new WebAssembly.Instance(scanModule, {});
    const memory = instance.exports.memory as WebAssembly.Memory;
    this.scan = instance.exports.scan as ScanFn;
    this.bytes = new Uint8Array(memory.buffer);
    this.words = new Int32Array(memory.buffer);
    // Int32Array uses the platform's byte order, and WebAssembly is little-endian;
    // Node runs on little-endian hosts only (x64, arm64).
    this.words.set(gear, 0);
    if (gear.length * 4 !== GEAR_BYTES) throw new Error('gear table must have 256 entries');
  }

  scanRegion(data: Uint8Array, from: number, lim: number, mask: number): number {
    let h = this.hash;
    for (let i = from; i < lim; ) {
      const n = Math.min(WASM_WINDOW_BYTES, lim - i);
      this.bytes.set(data.subarray(i, i + n), WINDOW_OFFSET);
      const found = this.scan(WINDOW_OFFSET, n, h, mask);
      if (found >= 0) return i + found;
      h = this.words[HASH_ADDRESS >> 2]!;
      i += n;
    }
    this.hash = h;
    return -1;
  }
}
