// Prometheus metrics (prom-client, a registry per server: no global state).
// tessera_bytes{stage} shows storage efficiency: logical (live object bytes) →
// deduplicated (unique chunk bytes) → compressed → stored (bytes on drives, parity included).

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ByteStages {
  logical: number;
  deduplicated: number;
  compressed: number;
  stored: number;
}

export class S3Metrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'operation' | 'status'>;
  private readonly latency: Histogram<'operation'>;

  constructor(stages: () => ByteStages, objects: () => number) {
    collectDefaultMetrics({ register: this.registry, prefix: 'tessera_process_' });
    this.requests = new Counter({
      name: 'tessera_s3_requests_total',
      help: 'S3 requests by operation and HTTP status',
      labelNames: ['operation', 'status'],
      registers: [this.registry],
    });
    this.latency = new Histogram({
      name: 'tessera_s3_request_duration_seconds',
      help: 'S3 request latency by operation (until the response was handed to the socket)',
      labelNames: ['operation'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [this.registry],
    });
    new Gauge({
      name: 'tessera_bytes',
      help: 'Bytes at each storage stage: logical, deduplicated, compressed, stored (parity included)',
      labelNames: ['stage'],
      registers: [this.registry],
      collect() {
        const s = stages();
        this.set({ stage: 'logical' }, s.logical);
        this.set({ stage: 'deduplicated' }, s.deduplicated);
        this.set({ stage: 'compressed' }, s.compressed);
        this.set({ stage: 'stored' }, s.stored);
      },
    });
    new Gauge({
      name: 'tessera_objects',
      help: 'Live objects',
      registers: [this.registry],
      collect() {
        this.set(objects());
      },
    });
  }

  observe(operation: string, status: number, seconds: number): void {
    this.requests.inc({ operation, status: String(status) });
    this.latency.observe({ operation }, seconds);
  }
}
