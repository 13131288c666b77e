// The scrubber: re-reads every fragment of every drive at a bounded rate, and hands the
// chunks of fragments that fail their checksum to the repair queue. Reads alone would never
// notice rot in parity fragments, which are read only when data is missing.

import type { Logger } from 'pino';
import type { FragmentStore } from '../storage/fragment-store.js';
import type { RepairQueue } from './repair-queue.js';
import { FINGERPRINT_SIZE_BYTES } from '../pipeline/fingerprint.js';

export interface ScrubberDeps {
  drives: FragmentStore[];
  repairs: RepairQueue;
  logger: Logger;
  bytesPerSecondMax: number;
  intervalMs: number;
}

export interface ScrubPass {
  checked: number;
  corrupt: number;
}

export class Scrubber {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<ScrubPass> | undefined;
  private readonly abort = new AbortController();

  constructor(private readonly d: ScrubberDeps) {}

  /** One pass over every drive; concurrent calls share the pass in progress. */
  runOnce(): Promise<ScrubPass> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.runOnce().catch((err: unknown) => this.d.logger.error({ err }, 'scrub failed'));
    }, this.d.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.abort.abort();
    await this.running?.catch(() => undefined);
  }

  private async pass(): Promise<ScrubPass> {
    const total: ScrubPass = { checked: 0, corrupt: 0 };
    for (const [i, drive] of this.d.drives.entries()) {
      if (this.abort.signal.aborted) break;
      const r = await drive.scrub({ bytesPerSecondMax: this.d.bytesPerSecondMax, signal: this.abort.signal });
      total.checked += r.checked;
      total.corrupt += r.corrupt.length;
      for (const id of r.corrupt) this.d.repairs.enqueue(id.subarray(0, FINGERPRINT_SIZE_BYTES));
      if (r.corrupt.length > 0) this.d.logger.warn({ drive: i, corrupt: r.corrupt.length }, 'scrub found corrupt fragments; repair queued');
    }
    return total;
  }
}
