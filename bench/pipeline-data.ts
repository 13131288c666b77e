// Reproducible input data for the pipeline benchmarks.
//
// Everything is generated from a seed, so two machines measure the same bytes:
// random data from AES-256-CTR over zeros (fast and incompressible), "text" from a
// seeded word model with a Zipf-like vocabulary and repeated lines (zstd level 1
// shrinks it ~3.5x; real source code shrinks more, and faster), and a backup-like file tree that
// evolves through snapshots with small edits, serialised like tar.

import { createCipheriv, createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** mulberry32: a tiny seeded PRNG, good enough to drive the generators. */
export class Prng {
  private state: number;
  constructor(seed: number) {
    this.state = seed | 0;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Uniform integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/** Incompressible bytes, a deterministic function of (seed, size). */
export function randomData(seed: number, size: number): Buffer {
  const key = createHash('sha256').update(`tessera-bench-${seed}`).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return Buffer.concat([cipher.update(Buffer.alloc(size)), cipher.final()]);
}

/** A vocabulary of pseudo-words; word i is drawn with weight ~1/(i+1). */
export class TextModel {
  private readonly words: string[] = [];
  private readonly cumulative: number[] = [];

  constructor(seed: number, vocabularySize = 5000) {
    const prng = new Prng(seed);
    const letters = 'etaoinshrdlucmfwypvbgkjqxz';
    let total = 0;
    for (let i = 0; i < vocabularySize; i++) {
      const length = 2 + prng.below(9);
      let word = '';
      for (let j = 0; j < length; j++) word += letters[Math.floor(prng.next() ** 2 * letters.length)];
      this.words.push(word);
      total += 1 / (i + 1);
      this.cumulative.push(total);
    }
  }

  /**
   * About `size` bytes of lines of words, numbers and punctuation. A third of the
   * lines repeat one of the last 64 (with a new number at the end), as lines do
   * in logs and source code; without that, word salad is far harder for an LZ
   * compressor than real text.
   */
  generate(prng: Prng, size: number): Buffer {
    const parts: string[] = [];
    const recent: string[] = [];
    let bytes = 0;
    const total = this.cumulative[this.cumulative.length - 1]!;
    while (bytes < size) {
      if (recent.length > 0 && prng.next() < 0.33) {
        const line = `${recent[prng.below(recent.length)]!.slice(0, -2)} ${prng.below(1000)};\n`;
        parts.push(line);
        bytes += line.length;
        continue;
      }
      const lineWords = 3 + prng.below(12);
      let line = ' '.repeat(2 * prng.below(4));
      for (let w = 0; w < lineWords; w++) {
        if (prng.next() < 0.06) line += String(prng.below(100_000));
        else line += this.words[this.search(prng.next() * total)];
        line += prng.next() < 0.1 ? ', ' : ' ';
      }
      line += prng.next() < 0.5 ? ';\n' : '.\n';
      parts.push(line);
      bytes += line.length;
      recent.push(line);
      if (recent.length > 64) recent.shift();
    }
    return Buffer.from(parts.join('')).subarray(0, size);
  }

  private search(x: number): number {
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export function textData(seed: number, size: number): Buffer {
  return new TextModel(seed).generate(new Prng(seed ^ 0x5bd1e995), size);
}

/**
 * Up to `size` bytes of the text files (.js .ts .md .json .txt) under `dir`, in
 * sorted path order: a real corpus, for comparing with the synthetic text.
 */
export function corpusData(dir: string, size: number): Buffer {
  const pieces: Buffer[] = [];
  let bytes = 0;
  const walk = (path: string): void => {
    for (const name of readdirSync(path).sort()) {
      if (bytes >= size) return;
      const full = join(path, name);
      const stat = statSync(full);
      if (stat.isDirectory()) walk(full);
      else if (/\.(js|ts|md|json|txt)$/.test(name)) {
        const content = readFileSync(full);
        pieces.push(content);
        bytes += content.length;
      }
    }
  };
  walk(dir);
  return Buffer.concat(pieces).subarray(0, size);
}

export interface BackupOptions {
  seed: number;
  treeBytes: number;
  snapshots: number;
  /** Fraction of files touched between two snapshots. */
  changeFraction: number;
}

/**
 * The command-line options (for node:util's parseArgs) that shape a BackupTree, in the
 * benchmarks that build one: --tree-mib, --snapshots, --change (fraction of files touched
 * per snapshot) and --seed.
 */
export const backupTreeArgOptions = {
  'tree-mib': { type: 'string', default: '64' },
  snapshots: { type: 'string', default: '6' },
  change: { type: 'string', default: '0.05' },
  seed: { type: 'string', default: '1' },
} as const;

/** A BackupTree from the values parseArgs gave for backupTreeArgOptions. */
export function backupTreeFromArgs(values: Record<keyof typeof backupTreeArgOptions, string>): BackupTree {
  return new BackupTree({
    seed: Number(values.seed),
    treeBytes: Number(values['tree-mib']) * 1024 * 1024,
    snapshots: Number(values.snapshots),
    changeFraction: Number(values.change),
  });
}

interface FileEntry {
  content: Buffer;
  mtimeSeconds: number;
}

/**
 * A file tree that evolves like a home directory or a project between nightly
 * backups: 60% text files (edited in place, with insertions and deletions, or
 * appended to like logs), 40% binary files (incompressible; rarely changed, then
 * partly overwritten like a database page), some files deleted and created.
 * Each snapshot is returned as tar-like pieces: a 512-byte header (path, size,
 * mtime) before each file, contents padded to 512 bytes.
 */
export class BackupTree {
  private readonly files = new Map<string, FileEntry>();
  private readonly prng: Prng;
  private readonly text: TextModel;
  private nextFileId = 0;
  private clockSeconds = 1_700_000_000;

  constructor(private readonly options: BackupOptions) {
    this.prng = new Prng(options.seed);
    this.text = new TextModel(options.seed + 1);
    let bytes = 0;
    while (bytes < options.treeBytes) bytes += this.createFile().content.length;
  }

  /** The current files in path order. */
  entries(): { path: string; content: Buffer; mtimeSeconds: number }[] {
    return [...this.files.keys()].sort().map((path) => ({ path, ...this.files.get(path)! }));
  }

  /** The current state as a tar-like stream, in pieces. */
  snapshot(): Buffer[] {
    const pieces: Buffer[] = [];
    for (const path of [...this.files.keys()].sort()) {
      const file = this.files.get(path)!;
      const header = Buffer.alloc(512);
      header.write(`${path}\0${file.content.length}\0${file.mtimeSeconds}\0`, 'latin1');
      pieces.push(header, file.content);
      const pad = (512 - (file.content.length % 512)) % 512;
      if (pad > 0) pieces.push(Buffer.alloc(pad));
    }
    return pieces;
  }

  /** Advances one backup interval: edits, appends, deletions and new files. */
  evolve(): void {
    this.clockSeconds += 86_400;
    const paths = [...this.files.keys()].sort();
    for (const path of paths) {
      if (this.prng.next() >= this.options.changeFraction) continue;
      const file = this.files.get(path)!;
      const isText = path.endsWith('.txt');
      const roll = this.prng.next();
      if (roll < 0.05) {
        this.files.delete(path);
        continue;
      }
      if (!isText) file.content = this.overwrite(file.content);
      else if (roll < 0.4) file.content = Buffer.concat([file.content, this.text.generate(this.prng, 200 + this.prng.below(20_000))]);
      else file.content = this.editText(file.content);
      file.mtimeSeconds = this.clockSeconds;
    }
    const created = Math.max(1, Math.round(paths.length * this.options.changeFraction * 0.1));
    for (let i = 0; i < created; i++) this.createFile();
  }

  private createFile(): FileEntry {
    const id = this.nextFileId++;
    const isText = this.prng.next() < 0.6;
    // Log-uniform sizes from 1 KiB to 4 MiB: many small files, most bytes in big ones.
    const size = Math.round(1024 * 2 ** (this.prng.next() * 12));
    const dir = `d${this.prng.below(40)}/s${this.prng.below(8)}`;
    const path = `${dir}/f${id}.${isText ? 'txt' : 'bin'}`;
    const content = isText ? this.text.generate(this.prng, size) : randomData(this.options.seed * 1_000_003 + id, size);
    const entry = { content, mtimeSeconds: this.clockSeconds };
    this.files.set(path, entry);
    return entry;
  }

  /** One to three small insertions, deletions or replacements at random places. */
  private editText(content: Buffer): Buffer {
    let out = content;
    const edits = 1 + this.prng.below(3);
    for (let e = 0; e < edits; e++) {
      const at = this.prng.below(out.length + 1);
      const removed = this.prng.next() < 0.5 ? this.prng.below(Math.min(2000, out.length - at) + 1) : 0;
      const inserted = this.prng.next() < 0.7 ? this.text.generate(this.prng, 1 + this.prng.below(2000)) : Buffer.alloc(0);
      out = Buffer.concat([out.subarray(0, at), inserted, out.subarray(at + removed)]);
    }
    return out;
  }

  /** Overwrites one to four 4 KiB pages in place, like a database file. */
  private overwrite(content: Buffer): Buffer {
    const out = Buffer.from(content);
    const pages = 1 + this.prng.below(4);
    for (let p = 0; p < pages; p++) {
      const at = this.prng.below(Math.max(1, out.length - 4096));
      randomData(this.prng.below(2 ** 31), 4096).copy(out, at);
    }
    return out;
  }
}
