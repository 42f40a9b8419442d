// Check monitoring (monitored labs): Prometheus on mon-01 scrapes every exporter of the lab and has its alert rules;
// no critical alert fires. Read from Prometheus's HTTP API on its published 127.0.0.1 port.
import { CheckFailure, CheckSkipped, json, request, type Check, type PortableCheckContext } from './check.js';

/** Long enough for a fresh Prometheus to scrape every target twice (5 s interval). */
const TARGETS_DEADLINE_MS = 15_000;
/** A scrape (5 s) and a rule evaluation (5 s), with a margin. */
const ALERTS_SETTLE_MS = 12_000;

export interface Target {
  labels: { job: string; server: string };
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  /** ISO 8601. */
  lastScrape: string;
}

export interface Alert {
  labels: { alertname: string; severity?: string; server?: string };
  state: 'firing' | 'pending' | 'inactive';
}

/**
 * Targets not up, each named by server and job with the scrape error; undefined while the answer is not settled:
 * no target listed yet, a target never scraped, or one down at a scrape older than `since` (it may have been
 * starting then).
 */
export function targetProblems(targets: Target[], since: number): string[] | undefined {
  // A Prometheus that just started lists its targets a moment later.
  if (targets.length === 0) return undefined;
  const stale = (t: Target) => t.health === 'unknown' || (t.health === 'down' && Date.parse(t.lastScrape) < since);
  if (targets.some(stale)) return undefined;
  return targets
    .filter((t) => t.health !== 'up')
    .map((t) => `${t.labels.server} ${t.labels.job} (${t.scrapeUrl}): ${t.lastError || 'down'}`);
}

export const monitoringCheck: Check<PortableCheckContext> = {
  name: 'monitoring',
  guards: 'monitored: Prometheus scrapes every exporter, has its alert rules, and no critical alert fires',
  appliesTo: (lab) => lab.capabilities.monitoring,
  async run({ monitorUrl, clock }) {
    if (!monitorUrl) throw new CheckSkipped('the lab publishes no Prometheus port: is it running with monitored?');
    const api = async <T>(path: string) => json<{ data: T }>(await request(`${monitorUrl}${path}`)).data;
    const since = Date.now();
    const deadline = clock.now() + TARGETS_DEADLINE_MS;
    let problems: string[] | undefined;
    let targets: Target[] = [];
    for (;;) {
      targets = (await api<{ activeTargets: Target[] }>('/api/v1/targets')).activeTargets;
      problems = targetProblems(targets, since);
      if (problems || clock.now() > deadline) break;
      await clock.sleep(500);
    }
    if (!problems && targets.length === 0) throw new CheckFailure('Prometheus has no scrape targets');
    if (!problems) {
      const unsettled = targets.filter((t) => t.health !== 'up').map((t) => `${t.labels.server} ${t.labels.job}`);
      throw new CheckFailure(`not scraped successfully in ${TARGETS_DEADLINE_MS / 1000} s: ${unsettled.join(', ')}`);
    }
    if (problems.length > 0) throw new CheckFailure(`scrape targets down: ${problems.join('; ')}`);

    const groups = (await api<{ groups: { rules: { type: string; name: string }[] }[] }>('/api/v1/rules')).groups;
    const alertRules = groups.flatMap((g) => g.rules).filter((r) => r.type === 'alerting');
    if (alertRules.length === 0) throw new CheckFailure('Prometheus has no alert rules loaded (mon-01/alerts.yml)');
    const describe = (a: Alert) => `${a.labels.alertname}${a.labels.server ? ` on ${a.labels.server}` : ''}`;
    // An alert outlives its cause by a scrape and an evaluation (about 10 s): one that fired for a failure just
    // repaired is given that long to resolve before it counts.
    const alertsDeadline = clock.now() + ALERTS_SETTLE_MS;
    let alerts: Alert[] = [];
    let critical: Alert[] = [];
    for (;;) {
      alerts = (await api<{ alerts: Alert[] }>('/api/v1/alerts')).alerts.filter((a) => a.state === 'firing');
      critical = alerts.filter((a) => a.labels.severity === 'critical');
      if (critical.length === 0 || clock.now() > alertsDeadline) break;
      await clock.sleep(1000);
    }
    if (critical.length > 0) throw new CheckFailure(`critical alerts firing: ${critical.map(describe).join(', ')}`);
    return (
      `${targets.length} targets up (${[...new Set(targets.map((t) => t.labels.job))].join(', ')}); ` +
      `${alertRules.length} alert rules loaded; ` +
      (alerts.length ? `firing: ${alerts.map(describe).join(', ')}` : 'none firing')
    );
  },
};
