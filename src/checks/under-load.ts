// Check under-load: a short burst of visitors at once is answered without errors and about as fast as its fastest web
// server answers (src/load/held-back.ts). A server slow only under load passes every one-request check; here it
// holds back every visitor the load balancer sends it.
import { describeServers, heldBack } from '../load/held-back.js';
import { Tally, type LoadReport } from '../load/tally.js';
import { describeKinds } from '../load/verdict.js';
import { generateLoad } from '../runtime/load-generator.js';
import { CheckFailure, type Check } from './check.js';

/**
 * Small enough to add little to a smoke run (the check takes 1.0 s), long enough for a queue on a slow server to
 * build: at 10 requests a second a throttled server's 8th queued request waits 0.7 s.
 */
export const BURST = { connections: 8, durationSeconds: 1 } as const;

/** Why the burst's figures are wrong, or undefined. */
export function judgeBurst(report: LoadReport): string | undefined {
  if (report.errors.total > 0) {
    return `${report.errors.total} of ${report.requests} requests failed${describeKinds(report.errors.by_kind)}`;
  }
  if (Object.keys(report.shares).length === 0) return 'no response named the web server that answered it (X-Served-By)';
  const slow = heldBack(report);
  return slow && `${slow}. See each server under load with \`infra load\``;
}

function describeBurst(report: LoadReport): string {
  return (
    `${BURST.connections} visitors at once for ${BURST.durationSeconds} s: ${report.requests_per_second} req/s, ` +
    `p99 ${report.latency_ms.p99} ms; ${describeServers(report)}`
  );
}

export const underLoad: Check = {
  name: 'under-load',
  guards: 'a burst of visitors at once is served about as fast as by the fastest web server alone',
  async run({ url, ca }) {
    const tally = new Tally();
    const durationMs = await generateLoad(
      { url, ca, connections: BURST.connections, durationSeconds: BURST.durationSeconds, path: '/' },
      tally,
      new AbortController().signal,
    );
    const report = tally.report(durationMs, { writes: false, readsAfterWrites: false });
    const wrong = judgeBurst(report);
    if (wrong) throw new CheckFailure(`${wrong} (${describeBurst(report)})`);
    return describeBurst(report);
  },
};
