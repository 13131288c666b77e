// The versioned, backup-like data set for the efficiency benchmark: a source tree taken
// from this repository's node_modules (real JavaScript, TypeScript, JSON, Markdown and
// native binaries, chosen by a seeded shuffle) plus a few random "asset" files, then
// snapshots with small edits between them, like nightly backups of a working tree:
//   - text files gain inserted lines (which shift all content after them), lose or change a line;
//   - one native binary gets a few KiB patched, one asset is regenerated whole;
//   - a few files are added (from files not yet in the tree) and a few removed.
// Each snapshot is written as a tree and as a deterministic tarball (sorted names, fixed
// mtime and owner), so Tessera, restic and borg all see exactly the same bytes.

import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, extname, join, relative } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface DatasetOptions {
  readonly sourceDir: string;
  readonly workDir: string;
  readonly baseBytesTarget: number;
  readonly snapshots: number;
  readonly seed: number;
}

export interface Snapshot {
  readonly index: number;
  readonly treeDir: string;
  readonly tarPath: string;
  readonly tarBytes: number;
  readonly files: number;
  readonly treeBytes: number;
}

export interface Dataset {
  readonly snapshots: Snapshot[];
  /** All text of the first snapshot concatenated: the single text corpus. */
  readonly textCorpusPath: string;
  readonly textCorpusBytes: number;
  readonly description: string;
}

const textExtensions = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.json', '.md', '.txt', '.yml', '.c', '.h', '.d']);
const binaryExtensions = new Set(['.node', '.wasm']);
const fileBytesMax = 8 * 1024 * 1024;
const assetCount = 6;
const assetBytes = 1024 * 1024;
const editsPerSnapshot = { textFiles: 25, added: 10, removed: 5 };
const fixedMtime = '@1767225600'; // 2026-01-01T00:00:00Z

/** xorshift32: small, seeded and deterministic; this is test data, not cryptography. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }
  below(n: number): number {
    return this.next() % n;
  }
  bytes(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    for (let i = 0; i + 4 <= n; i += 4) out.writeUInt32LE(this.next(), i);
    for (let i = n - (n % 4); i < n; i++) out[i] = this.next() & 0xff;
    return out;
  }
}

export async function buildDataset(options: DatasetOptions): Promise<Dataset> {
  const rng = new Rng(options.seed);
  const candidates = await listFiles(options.sourceDir);
  shuffle(candidates, rng);
  const tree = new Map<string, Buffer>();
  const spare: string[] = [];
  let bytes = 0;
  for (const path of candidates) {
    const size = (await stat(path)).size;
    if (size === 0 || size > fileBytesMax) continue;
    if (bytes + size > options.baseBytesTarget) {
      spare.push(path);
      continue;
    }
    tree.set(`src/${relative(options.sourceDir, path)}`, await readFile(path));
    bytes += size;
  }
  for (let i = 0; i < assetCount; i++) tree.set(`assets/image-${i}.bin`, rng.bytes(assetBytes));

  const textParts: Buffer[] = [];
  for (const path of [...tree.keys()].sort()) if (textExtensions.has(extname(path))) textParts.push(tree.get(path)!);
  const textCorpusPath = join(options.workDir, 'text-corpus.txt');
  const corpus = Buffer.concat(textParts);
  await writeFile(textCorpusPath, corpus);

  const snapshots: Snapshot[] = [];
  for (let index = 0; index < options.snapshots; index++) {
    if (index > 0) await editTree(tree, spare, options.sourceDir, rng, index);
    snapshots.push(await writeSnapshot(tree, options.workDir, index));
  }
  const first = snapshots[0]!;

  const totalTar = snapshots.reduce((s, x) => s + x.tarBytes, 0);
  const description =
    `${options.snapshots} tarball snapshots of a ${mib(first.treeBytes)} MiB tree (${first.files} files: ` +
    `source from node_modules + ${assetCount} random 1 MiB assets), ${mib(totalTar)} MiB of tarballs in all; ` +
    `per snapshot ${editsPerSnapshot.textFiles} text files edited (inserted/deleted/changed lines), ` +
    `1 binary patched, 1 asset regenerated, ${editsPerSnapshot.added} files added, ${editsPerSnapshot.removed} removed`;
  return { snapshots, textCorpusPath, textCorpusBytes: corpus.length, description };
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && (textExtensions.has(extname(e.name)) || binaryExtensions.has(extname(e.name)))) out.push(p);
    }
  };
  await walk(dir);
  return out;
}

function shuffle<T>(items: T[], rng: Rng): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

async function editTree(tree: Map<string, Buffer>, spare: string[], sourceDir: string, rng: Rng, index: number): Promise<void> {
  const paths = [...tree.keys()].sort();
  const text = paths.filter((p) => textExtensions.has(extname(p)) && tree.get(p)!.length > 200);
  const binaries = paths.filter((p) => binaryExtensions.has(extname(p)));

  for (let i = 0; i < editsPerSnapshot.textFiles && text.length > 0; i++) {
    const path = text[rng.below(text.length)]!;
    const donor = tree.get(text[rng.below(text.length)]!)!.toString('latin1').split('\n');
    const lines = tree.get(path)!.toString('latin1').split('\n');
    const at = rng.below(lines.length);
    const inserted = Array.from({ length: 1 + rng.below(20) }, () => donor[rng.below(donor.length)]!);
    lines.splice(at, 0, ...inserted);
    if (lines.length > 10) lines.splice(rng.below(lines.length), 1);
    const changed = rng.below(lines.length);
    lines[changed] = `${lines[changed]} // edited in snapshot ${index}`;
    tree.set(path, Buffer.from(lines.join('\n'), 'latin1'));
  }
  if (binaries.length > 0) {
    const path = binaries[rng.below(binaries.length)]!;
    const data = Buffer.from(tree.get(path)!);
    const offset = rng.below(Math.max(1, data.length - 4096));
    rng.bytes(Math.min(4096, data.length)).copy(data, offset);
    tree.set(path, data);
  }
  tree.set(`assets/image-${rng.below(assetCount)}.bin`, rng.bytes(assetBytes));
  for (let i = 0; i < editsPerSnapshot.removed; i++) {
    const victims = [...tree.keys()].filter((p) => p.startsWith('src/')).sort();
    tree.delete(victims[rng.below(victims.length)]!);
  }
  for (let i = 0; i < editsPerSnapshot.added && spare.length > 0; i++) {
    const path = spare.pop()!;
    tree.set(`src/${relative(sourceDir, path)}`, await readFile(path));
  }
}

async function writeSnapshot(tree: Map<string, Buffer>, workDir: string, index: number): Promise<Snapshot> {
  const treeDir = join(workDir, `snap-${index}`);
  let treeBytes = 0;
  for (const [path, data] of tree) {
    const full = join(treeDir, path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, data);
    treeBytes += data.length;
  }
  const tarPath = join(workDir, `snap-${index}.tar`);
  await run('tar', ['--sort=name', `--mtime=${fixedMtime}`, '--owner=0', '--group=0', '--numeric-owner', '-cf', tarPath, '-C', treeDir, '.']);
  // Trees keep the same fixed mtime, so a tree-mode backup sees unchanged files as unchanged only by content.
  await run('find', [treeDir, '-exec', 'touch', '-h', '-d', '2026-01-01T00:00:00Z', '{}', '+']);
  return { index, treeDir, tarPath, tarBytes: (await stat(tarPath)).size, files: tree.size, treeBytes };
}

function mib(bytes: number): string {
  return (bytes / 1048576).toFixed(1);
}
