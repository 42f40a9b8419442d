// Check failover: the first web server dies (`infra fail`), and under a steady stream of requests the LB routes
// around it with no failed request; it comes back (`infra recover`) and rejoins the rotation. Active-passive: the
// backup serves only while the first server is down.
import { webServers } from '../topology/types.js';
import { serverCounters, waitForBackend, type ServerCounters } from '../ops/haproxy.js';
import { failServer, recoverServer } from '../ops/server-power.js';
import { CheckFailure, CheckSkipped, request, visitors, type Check } from './check.js';

/** Requests sent after HAProxy marks the server DOWN, all of which must be served by the others. */
const AFTER_DOWN_REQUESTS = 20;
const TIMEOUT_MS = 60_000;

export const failover: Check = {
  name: 'failover',
  guards:
    "with the primary's web server down, every request is served by the others, with none failed; it rejoins when back",
  async run({ lab, url, ca, runtime, clock, haproxy }) {
    const web = webServers(lab).map((s) => s.name);
    // The primary's server (web-01 unless promoted): its database restarts as the primary, so replication needs
    // nothing from the check when it returns.
    const victim = lab.primary;
    // One `show stat`: the states the check needs first, and the counters its report compares after.
    const start = await serverCounters(runtime, haproxy);
    const notUp = web.filter((s) => start[s]?.status !== 'UP');
    if (notUp.length > 0)
      throw new CheckSkipped(
        `needs every web server UP first; not UP: ${notUp.map((s) => `${s} (${start[s]?.status})`).join(', ')}`,
      );

    // What HAProxy did again or elsewhere during the failure, so that no visitor saw it (its counters' change).
    const masked = (counters: Record<string, ServerCounters>) => {
      const sum = (key: 'retries' | 'redispatches') => Object.values(counters).reduce((n, c) => n + c[key], 0);
      return { retries: sum('retries'), redispatches: sum('redispatches') };
    };
    const before = masked(start);
    // A steady stream of requests through the LB for the whole failure, as a visitor would send them.
    const stream = visitors(`${url}/`, 1, { timeoutMs: 5000, ca });
    const outcomes = stream.visits;

    let stopMs = 0;
    let downAfterMs = 0;
    let recoveredMs = 0;
    let retried = 0;
    let redispatched = 0;
    try {
      try {
        const failedAt = performance.now();
        await failServer(runtime, lab.name, victim);
        const stoppedAt = performance.now();
        stopMs = Math.round(stoppedAt - failedAt);
        await waitForBackend(runtime, haproxy, victim, 'DOWN', clock.now() + TIMEOUT_MS, clock);
        const downAt = performance.now();
        downAfterMs = Math.round(downAt - stoppedAt);
        while (outcomes.filter((o) => o.started >= downAt).length < AFTER_DOWN_REQUESTS) {
          await new Promise((r) => setTimeout(r, 5));
        }
        if (outcomes.some((o) => o.started >= downAt && o.servedBy === victim)) {
          throw new CheckFailure(`${victim} still served requests after HAProxy marked it DOWN`);
        }
      } finally {
        await stream.stop();
      }
      const done = masked(await serverCounters(runtime, haproxy).catch((): Record<string, ServerCounters> => ({})));
      retried = done.retries - before.retries;
      redispatched = done.redispatches - before.redispatches;
    } finally {
      // Pass or fail, the lab is left as the check found it: the server back, healthy and UP.
      const recoverStarted = performance.now();
      await recoverServer(runtime, lab.name, victim, { timeoutMs: TIMEOUT_MS, clock });
      recoveredMs = Math.round(performance.now() - recoverStarted);
    }
    const failed = outcomes.filter((o) => !o.ok);
    if (failed.length > 0) {
      throw new CheckFailure(
        `${failed.length} of ${outcomes.length} requests failed while ${victim} went down (first: ${failed[0].detail}); it is back UP`,
      );
    }
    const servers = [...new Set(outcomes.map((o) => o.servedBy))].join(', ');

    const after: string[] = [];
    for (let i = 0; i < 4; i++) after.push((await request(`${url}/`, { ca })).servedBy ?? '?');
    if (!after.includes(victim))
      throw new CheckFailure(`${victim} is UP again but took none of 4 requests: ${after.join(' ')}`);
    if (lab.mode === 'active-passive' && after.some((s) => s !== victim)) {
      throw new CheckFailure(`active-passive: after ${victim} came back, the backup still served: ${after.join(' ')}`);
    }
    return (
      `${victim} stopped in ${stopMs} ms → HAProxy marked it DOWN ${downAfterMs} ms later; ${outcomes.length} requests during the failure, 0 failed, ` +
      `served by ${servers} (HAProxy sent ${redispatched} of them to another server; ${retried} connection retries); ` +
      `back UP after ${recoveredMs} ms, serving again`
    );
  },
};
