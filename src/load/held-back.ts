// Whether one web server holds a run back: the visitors' latency far above what the fastest server gives alone. A
// server slow only under load (a throttle, too few workers) passes every one-request check and shows here, while a
// slow machine, which slows every server alike, does not.
import type { LoadReport } from './tally.js';

/**
 * What is wrong with the run's latency, or undefined. Two conditions, each robust to what else slows a run: one server
 * is slow by its median (over 4 × the fastest server's median + 100 ms: a slow machine slows every server alike, and
 * one stray slow response moves no median), and the visitors feel it: one in ten or more waits (the run's p90 over 4 ×
 * that fastest median + 200 ms). A slow server the load balancer sends few requests, as leastconn does, is not a
 * finding: it still takes as many as its throttle lets through, 1–2 % of a burst here (measured 0.8–1.8 %), which
 * a p99 counted in one run of two.
 */
export function heldBack(report: LoadReport): string | undefined {
  const own = Object.entries(report.latency_by_server_ms);
  if (own.length < 2) return undefined;
  const [fastest, figures] = own.reduce((a, b) => (b[1].p50 < a[1].p50 ? b : a));
  const [slowest, its] = own.reduce((a, b) => (b[1].p50 > a[1].p50 ? b : a));
  if (its.p50 <= 4 * figures.p50 + 100 || report.latency_ms.p90 <= 4 * figures.p50 + 200) return undefined;
  return (
    `the site's p90 was ${report.latency_ms.p90} ms, against a median of ${figures.p50} ms on ${fastest}: ${slowest} ` +
    `answers slowly when requests come together (its median ${its.p50} ms, p99 ${its.p99} ms) and the load ` +
    `balancer still sends it ${report.shares[slowest] ?? 0}% of them`
  );
}

/** Each server's share and own p99, as the checks print them. */
export function describeServers(report: LoadReport): string {
  return Object.entries(report.latency_by_server_ms)
    .map(([server, own]) => `${server} ${report.shares[server] ?? 0}% p99 ${own.p99} ms`)
    .join(' · ');
}
