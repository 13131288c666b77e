// Helpers of the encryption tests: raw SSE header overrides and scans of the data dir for
// plaintext.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Overrides raw request headers after the SDK computed its own (for malformed SSE-C headers). */
export function withHeaders<C extends { middlewareStack: { add: (...a: never[]) => unknown } }>(cmd: C, headers: Record<string, string | undefined>): C {
  const add = cmd.middlewareStack.add as unknown as (mw: unknown, opts: unknown) => void;
  add(
    (next: (a: unknown) => unknown) => async (args: { request: { headers: Record<string, string> } }) => {
      for (const [k, v] of Object.entries(headers)) {
        if (v === undefined) delete args.request.headers[k];
        else args.request.headers[k] = v;
      }
      return next(args);
    },
    { step: 'build', priority: 'low' },
  );
  return cmd;
}

/** Every file under `dir`, recursively. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** How many of `windows` occur in any file under `dirs`. */
export function windowsFound(dirs: string[], windows: Buffer[]): number {
  const found = new Set<number>();
  for (const dir of dirs) {
    for (const f of filesUnder(dir)) {
      const bytes = readFileSync(f);
      windows.forEach((w, i) => {
        if (bytes.indexOf(w) >= 0) found.add(i);
      });
    }
  }
  return found.size;
}

/** 32-byte samples spread over `data`. */
export function samples(data: Buffer, n = 16): Buffer[] {
  const step = Math.floor((data.byteLength - 32) / n);
  return Array.from({ length: n }, (_, i) => data.subarray(i * step, i * step + 32));
}
