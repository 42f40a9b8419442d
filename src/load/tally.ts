// What infra counts of a load run, second by second, on top of the load generator's own figures: each response's
// status, latency and the web server that answered it (X-Served-By), each request that got no response and why, the
// writes acknowledged (their ids), and the reads that found a write missing (stale). Pure: summarised into a report.

export type Failure = 'timeout' | 'connection';

interface Second {
  responses: number;
  /** 5xx, 4xx other than a stale read's 404, and requests without a response. */
  failed: number;
}

export interface LoadReport {
  duration_s: number;
  requests: number;
  requests_per_second: number;
  latency_ms: { p50: number; p90: number; p95: number; p99: number; max: number };
  /** Responses by status class and requests without one, by kind. */
  errors: { total: number; by_kind: Record<string, number> };
  /** Share of responses each web server answered, in % (by X-Served-By), rounded to one decimal. */
  shares: Record<string, number>;
  /** Each web server's own latency: a server slow under load shows here, not in the run's whole figures. */
  latency_by_server_ms: Record<string, { p50: number; p99: number }>;
  /** Requests answered per second, second by second, and those that failed. */
  per_second: number[];
  failed_per_second: number[];
  writes?: { acknowledged: number };
  reads_after_writes?: { reads: number; stale: number };
}

/** A run so far, as `Tally.live` gives it. */
export type LiveTally = Pick<LoadReport, 'requests_per_second' | 'shares' | 'per_second' | 'failed_per_second'> & {
  failed: number;
};

export class Tally {
  private readonly seconds: Second[] = [];
  private readonly latencies: number[] = [];
  private readonly byKind = new Map<string, number>();
  private readonly byServer = new Map<string, number>();
  private readonly latencyByServer = new Map<string, number[]>();
  readonly acknowledged: number[] = [];
  private reads = 0;
  private stale = 0;

  /** `at`: ms since the run began; `staleRead`: a 404 for a write just acknowledged (a finding, not an error). */
  response(at: number, status: number, latencyMs: number, servedBy: string | undefined, staleRead = false): void {
    const second = this.second(at);
    second.responses += 1;
    this.latencies.push(latencyMs);
    if (servedBy) {
      this.byServer.set(servedBy, (this.byServer.get(servedBy) ?? 0) + 1);
      const own = this.latencyByServer.get(servedBy) ?? [];
      own.push(latencyMs);
      this.latencyByServer.set(servedBy, own);
    }
    if (status >= 400 && !staleRead) {
      second.failed += 1;
      this.count(`http ${status}`);
    }
  }

  /** A request that got no response. */
  failure(at: number, kind: Failure): void {
    this.second(at).failed += 1;
    this.count(kind);
  }

  write(id: number): void {
    this.acknowledged.push(id);
  }

  /** A read of a write just acknowledged: found, or not (yet) on the database that answered. */
  readAfterWrite(found: boolean): void {
    this.reads += 1;
    if (!found) this.stale += 1;
  }

  /** Responses and failures between two moments (ms since the run began), for a failure's window. */
  between(fromMs: number, toMs: number): { responses: number; failed: number } {
    const picked = this.seconds.slice(Math.floor(fromMs / 1000), Math.ceil(toMs / 1000));
    return {
      responses: picked.reduce((n, s) => n + (s?.responses ?? 0), 0),
      failed: picked.reduce((n, s) => n + (s?.failed ?? 0), 0),
    };
  }

  /**
   * The first second from `fromMs` on when the rate is back (at least 90% of the median second before it) with no
   * failure: how long a failure cost, in whole seconds; undefined when it never came back during the run.
   */
  recoveredAfter(fromMs: number): number | undefined {
    const start = Math.floor(fromMs / 1000);
    const before = this.seconds.slice(0, start).map((s) => s?.responses ?? 0);
    const normal = median(before.length ? before : [0]);
    for (let i = start; i < this.seconds.length; i++) {
      const s = this.seconds[i] ?? { responses: 0, failed: 0 };
      if (s.failed === 0 && s.responses >= 0.9 * normal) return i - start;
    }
    return undefined;
  }

  /**
   * What a run looks like so far, without sorting its latencies: cheap enough for every second of a run (the live
   * page, the progress line), where `report` is for its end.
   */
  live(durationMs: number): LiveTally {
    const answered = [...this.byServer.values()].reduce((a, b) => a + b, 0);
    return {
      requests_per_second: round(this.latencies.length / (durationMs / 1000), 1),
      failed: [...this.byKind.values()].reduce((a, b) => a + b, 0),
      shares: Object.fromEntries(
        [...this.byServer]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([server, n]) => [server, round((100 * n) / answered, 1)]),
      ),
      per_second: Array.from(this.seconds, (s) => s?.responses ?? 0),
      failed_per_second: Array.from(this.seconds, (s) => s?.failed ?? 0),
    };
  }

  report(durationMs: number, options: { writes: boolean; readsAfterWrites: boolean }): LoadReport {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const requests =
      this.latencies.length + [...this.byKind].filter(([k]) => !k.startsWith('http')).reduce((n, [, c]) => n + c, 0);
    const { requests_per_second, failed, shares, per_second, failed_per_second } = this.live(durationMs);
    return {
      duration_s: round(durationMs / 1000, 1),
      requests,
      requests_per_second,
      latency_ms: {
        p50: round(percentile(sorted, 50), 1),
        p90: round(percentile(sorted, 90), 1),
        p95: round(percentile(sorted, 95), 1),
        p99: round(percentile(sorted, 99), 1),
        max: round(sorted[sorted.length - 1] ?? 0, 1),
      },
      errors: { total: failed, by_kind: Object.fromEntries(this.byKind) },
      shares,
      latency_by_server_ms: Object.fromEntries(
        [...this.latencyByServer]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([server, values]) => {
            const own = [...values].sort((a, b) => a - b);
            return [server, { p50: round(percentile(own, 50), 1), p99: round(percentile(own, 99), 1) }];
          }),
      ),
      per_second,
      failed_per_second,
      ...(options.writes ? { writes: { acknowledged: this.acknowledged.length } } : {}),
      ...(options.readsAfterWrites ? { reads_after_writes: { reads: this.reads, stale: this.stale } } : {}),
    };
  }

  private second(at: number): Second {
    const i = Math.max(0, Math.floor(at / 1000));
    for (let k = this.seconds.length; k <= i; k++) this.seconds[k] = { responses: 0, failed: 0 };
    return this.seconds[i];
  }

  private count(kind: string): void {
    this.byKind.set(kind, (this.byKind.get(kind) ?? 0) + 1);
  }
}

/** Nearest-rank percentile of sorted values (0 when there are none). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
