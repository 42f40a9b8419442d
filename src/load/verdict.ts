// Whether a load run went as the lab promises, check by check: what `infra load` exits by and writes as JUnit.
import { describeServers, heldBack } from './held-back.js';
import type { LoadResult, LoadRun } from './result.js';

export interface LoadCheck {
  name: string;
  passed: boolean;
  detail: string;
}

export function loadChecks(result: LoadResult): LoadCheck[] {
  return result.runs.flatMap((run, i) => {
    const label = result.runs.length > 1 ? `${i === 0 ? 'one server' : 'all servers'}: ` : '';
    return runChecks(run).map((c) => ({ ...c, name: `${label}${c.name}` }));
  });
}

function runChecks(run: LoadRun): LoadCheck[] {
  const { report, during } = run;
  const checks: LoadCheck[] = [];
  const inWindow = during?.failed ?? 0;
  const outside = report.errors.total - inWindow;
  checks.push({
    name: 'no failed requests',
    passed: outside === 0,
    detail: during
      ? `${outside} failed outside the failure's window (${inWindow} in it)`
      : `${report.errors.total} of ${report.requests} failed${describeKinds(report.errors.by_kind)}`,
  });
  const silent = run.servers.filter((s) => !(s in report.shares));
  checks.push({
    name: 'every web server answered',
    passed: silent.length === 0 || Boolean(during),
    detail:
      Object.entries(report.shares)
        .map(([s, pct]) => `${s} ${pct}%`)
        .join(', ') + (silent.length ? `; none from ${silent.join(', ')}` : ''),
  });
  // A failure's window has its own latency (retries, a failover); one server alone has none to hold it back.
  if (!during && run.servers.length > 1) {
    const slow = heldBack(report);
    checks.push({
      name: 'no web server holds the others back',
      passed: !slow,
      detail: slow ?? `p99 ${report.latency_ms.p99} ms; ${describeServers(report)}`,
    });
  }
  if (report.writes) {
    const { acknowledged, rows } = report.writes;
    const short = Object.entries(rows).filter(([, n]) => n !== null && n !== acknowledged);
    checks.push({
      name: 'every acknowledged write on every database',
      passed: short.length === 0,
      detail:
        `${acknowledged} acknowledged; ` +
        Object.entries(rows)
          .map(([s, n]) => (n === null ? `${s}'s database is not running` : `${s} holds ${n}`))
          .join(', '),
    });
  }
  if (during) {
    checks.push({
      name: `back to its rate after "${during.command}"`,
      passed: during.recovered_after_s !== null,
      detail:
        during.recovered_after_s === null
          ? `not within the run (${during.failed} failed from ${during.started_s}s on)`
          : `${during.recovered_after_s}s after it started at ${during.started_s}s; ${during.failed} failed meanwhile`,
    });
  }
  return checks;
}

/** ` (12 http 503, 1 timeout)`, or nothing when no request failed. */
export function describeKinds(byKind: Record<string, number>): string {
  const kinds = Object.entries(byKind);
  return kinds.length ? ` (${kinds.map(([k, n]) => `${n} ${k}`).join(', ')})` : '';
}
