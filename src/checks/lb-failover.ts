// Check lb-failover (`redundant`): the load balancer holding the floating address stops (`infra fail`) while visitors
// keep sending requests through the published port; keepalived moves the address to the partner (goal: under 3 s),
// and no request fails but those in flight while the LB stopped. The LB comes back (`infra recover`) and takes the
// address back by priority; there too, only requests in flight on the partner as the address left it may fail.
import { findFloatingAddress, floatingAddressHolders } from '../ops/floating-address.js';
import { failServer, recoverServer } from '../ops/server-power.js';
import { frontLoadBalancer, hasProfile, loadBalancers } from '../topology/types.js';
import { CheckFailure, CheckSkipped, visitors, type Check, type Visit } from './check.js';

/** The goal for the move, and how long the check waits for any move at all. */
export const MOVE_GOAL_MS = 3000;
const MOVE_TIMEOUT_MS = 15_000;
/** Visitors sending requests one after another, in parallel. */
const VISITORS = 3;
/** Requests that must succeed through the partner before the first LB comes back. */
const SERVED_BY_PARTNER = 20;

export const lbFailover: Check = {
  name: 'lb-failover',
  guards:
    'with the active load balancer down, the floating address moves to its partner in under 3 s and only requests in flight fail; it returns with the LB',
  appliesTo: (lab) => hasProfile(lab, 'redundant'),
  async run({ lab, url, ca, runtime, clock, containers }) {
    const active = frontLoadBalancer(lab).name;
    const partner = loadBalancers(lab).find((s) => s.name !== active)!.name;
    const before = await findFloatingAddress(runtime, containers);
    if (before?.holder !== active) {
      throw new CheckSkipped(
        `needs ${active} to hold the floating address first; held by ${before?.holder ?? 'nobody'}`,
      );
    }

    const traffic = visitors(`${url}/`, VISITORS, { timeoutMs: 10_000, ca, newConnection: true });
    const outcomes = traffic.visits;
    const holders = async () =>
      (await floatingAddressHolders(runtime, await runtime.containers(lab.name))).map((h) => h.server);
    /**
     * Polls where the address is until `to` alone holds it: returns the start of the last poll that saw `from` alone
     * (the move began after) and the end of the first that saw `to` alone (it had ended by then).
     */
    const watchMove = async (from: string, to: string) => {
      const deadline = performance.now() + MOVE_TIMEOUT_MS;
      let left = performance.now();
      for (;;) {
        const polled = performance.now();
        const now = await holders();
        if (now.length === 1 && now[0] === to) return { left, arrived: performance.now() };
        if (now.length === 1 && now[0] === from) left = polled;
        if (performance.now() > deadline) {
          throw new CheckFailure(
            `the floating address did not move from ${from} to ${to} within ${MOVE_TIMEOUT_MS / 1000} s (held by ${now.join(', ') || 'nobody'})`,
          );
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    };

    let stoppedAt = 0;
    let stopDoneAt = 0;
    let moved = { left: 0, arrived: 0 };
    let returnStarted = 0;
    let returned = { left: 0, arrived: 0 };
    try {
      try {
        await new Promise((r) => setTimeout(r, 200));
        stoppedAt = performance.now();
        const stopping = failServer(runtime, lab.name, active);
        moved = await watchMove(active, partner);
        await stopping;
        stopDoneAt = performance.now();
        const deadline = performance.now() + MOVE_TIMEOUT_MS;
        while (outcomes.filter((o) => o.ok && o.started > stopDoneAt).length < SERVED_BY_PARTNER) {
          if (performance.now() > deadline)
            throw new CheckFailure(`${partner} did not serve ${SERVED_BY_PARTNER} requests`);
          await new Promise((r) => setTimeout(r, 50));
        }
      } finally {
        // Pass or fail, the lab is left as the check found it: the first LB back, holding the address. keepalived
        // starts last among its components, so the address may move back before the recovery returns: watch both.
        returnStarted = performance.now();
        [, returned] = await Promise.all([
          recoverServer(runtime, lab.name, active, { timeoutMs: 60_000, clock }),
          watchMove(partner, active),
        ]);
        await new Promise((r) => setTimeout(r, 300));
      }
    } finally {
      await traffic.stop();
    }

    const moveMs = Math.round(moved.arrived - stoppedAt);
    // Requests in flight while the LB stopped, or on the partner as the address left it, may fail: their
    // connections end with the server holding them. Any other failure is a visitor turned away.
    const during = (o: Visit, from: number, to: number) => o.started <= to && o.ended >= from;
    const inFlight = (from: number, to: number) => outcomes.filter((o) => during(o, from, to));
    const atStop = inFlight(stoppedAt, Math.max(stopDoneAt, moved.arrived));
    const atReturn = inFlight(returned.left, returned.arrived);
    const failed = outcomes.filter((o) => !o.ok);
    const turnedAway = failed.filter((o) => !atStop.includes(o) && !atReturn.includes(o));
    const slowest = Math.round(
      Math.max(0, ...outcomes.filter((o) => o.started >= stoppedAt).map((o) => o.ended - o.started)),
    );
    const figures =
      `${active} stopped → floating address on ${partner} after ${moveMs} ms; ${outcomes.length} requests from ` +
      `${VISITORS} visitors, ${failed.length} failed (${failed.length - turnedAway.length} of them in flight as an LB ` +
      `stopped or gave the address back), slowest ${slowest} ms; ${active} back, address returned ` +
      `${Math.round(returned.arrived - returnStarted)} ms after its recovery began`;
    if (moveMs > MOVE_GOAL_MS) throw new CheckFailure(`too slow (goal ${MOVE_GOAL_MS} ms): ${figures}`);
    if (turnedAway.length > 0) {
      throw new CheckFailure(`${turnedAway.length} visitors turned away (first: ${turnedAway[0].detail}): ${figures}`);
    }
    return figures;
  },
};
