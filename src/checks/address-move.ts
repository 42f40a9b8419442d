// The LB pair's floating address moving away from the load balancer holding it and back, under steady traffic
// (`redundant`): what lb-failover (the Docker lab: the LB stopped) and lb-handover (real servers: its keepalived
// stopped, HAProxy left serving) both measure. The move must take under 3 s, and no request may fail but those in
// flight as the address left a load balancer.
import { CheckFailure, visitors, type Visit } from './check.js';

/** The goal for the move, and how long the check waits for any move at all. */
export const MOVE_GOAL_MS = 3000;
const MOVE_TIMEOUT_MS = 15_000;
/** Visitors sending requests one after another, in parallel. */
const VISITORS = 3;
/** Requests that must succeed through the partner before the address goes back. */
const SERVED_BY_PARTNER = 20;

export interface AddressMove {
  url: string;
  ca?: string;
  /** The load balancer holding the address, and its partner. */
  active: string;
  partner: string;
  /** The load balancers listing the address now. */
  holders(): Promise<string[]>;
  /** Makes `active` let go of the address; resolves when that is done (the address may have moved before). */
  takeAway(): Promise<unknown>;
  /** Undoes takeAway; the address returns to `active` by its priority. */
  giveBack(): Promise<unknown>;
  /** What takeAway did, for the figures: "lb-01 stopped", "keepalived stopped on lb-01". */
  takenAway: string;
}

/** Drives the move there and back and returns its figures; throws CheckFailure when too slow or a visitor failed. */
export async function measureAddressMove(move: AddressMove): Promise<string> {
  const { active, partner } = move;
  const traffic = visitors(`${move.url}/`, VISITORS, { timeoutMs: 10_000, ca: move.ca, newConnection: true });
  const outcomes = traffic.visits;
  /**
   * Polls where the address is until `to` alone holds it: returns the start of the last poll that saw `from` alone
   * (the move began after) and the end of the first that saw `to` alone (it had ended by then).
   */
  const watchMove = async (from: string, to: string) => {
    const deadline = performance.now() + MOVE_TIMEOUT_MS;
    let left = performance.now();
    for (;;) {
      const polled = performance.now();
      const now = await move.holders();
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
      const stopping = move.takeAway();
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
      // Pass or fail, the pair is left as the check found it: the first LB holding the address. The address may
      // move back before giveBack returns (keepalived starts last), so watch both.
      returnStarted = performance.now();
      [, returned] = await Promise.all([move.giveBack(), watchMove(partner, active)]);
      await new Promise((r) => setTimeout(r, 300));
    }
  } finally {
    await traffic.stop();
  }

  const moveMs = Math.round(moved.arrived - stoppedAt);
  // Requests in flight while the LB let go, or on the partner as the address left it, may fail: their connections
  // end with the server holding them. Any other failure is a visitor turned away.
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
    `${move.takenAway} → floating address on ${partner} after ${moveMs} ms; ${outcomes.length} requests from ` +
    `${VISITORS} visitors, ${failed.length} failed (${failed.length - turnedAway.length} of them in flight as an LB ` +
    `let go of the address), slowest ${slowest} ms; ${active} back, address returned ` +
    `${Math.round(returned.arrived - returnStarted)} ms after its recovery began`;
  if (moveMs > MOVE_GOAL_MS) throw new CheckFailure(`too slow (goal ${MOVE_GOAL_MS} ms): ${figures}`);
  if (turnedAway.length > 0) {
    throw new CheckFailure(`${turnedAway.length} visitors turned away (first: ${turnedAway[0].detail}): ${figures}`);
  }
  return figures;
}
