// A deterministic discrete-event queue: events run in (time, insertion order), so a
// simulation is reproducible from its seed.

interface Event {
  readonly time: number;
  readonly seq: number;
  readonly run: () => void;
}

export class EventQueue {
  now = 0;
  private heap: Event[] = [];
  private seq = 0;
  executed = 0;

  schedule(delayMs: number, run: () => void): void {
    this.push({ time: this.now + Math.max(0, delayMs), seq: this.seq++, run });
  }

  size(): number {
    return this.heap.length;
  }

  // Runs events up to and including time `until`, calling after() after each one. Returns
  // early, with true, when stop() becomes true.
  runUntil(until: number, after: () => void, stop?: () => boolean): boolean {
    while (this.heap.length > 0 && this.heap[0]!.time <= until) {
      const ev = this.pop();
      this.now = ev.time;
      ev.run();
      this.executed++;
      after();
      if (stop !== undefined && stop()) return true;
    }
    this.now = Math.max(this.now, until);
    return stop !== undefined && stop();
  }

  private push(ev: Event): void {
    const h = this.heap;
    h.push(ev);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): Event {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && less(h[l]!, h[m]!)) m = l;
        if (r < h.length && less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

function less(a: Event, b: Event): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}
