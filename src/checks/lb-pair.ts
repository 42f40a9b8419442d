// The LB pair (`redundant`), in Docker or on real servers (`infra smoke --inventory`). lb-pair looks without touching
// anything: one load balancer, the first, holds the floating address (both holding it is a split brain), and both
// could (keepalived runs, HAProxy answers). lb-handover, on real servers,
// moves the address only when asked (--handover): keepalived stopped on the holder, never its HAProxy, so the partner
// takes over as it would from a dead LB while requests already on the first still finish; then it takes it back.
import { frontLoadBalancer, loadBalancers, type Lab } from '../topology/types.js';
import { SPLIT_BRAIN_SETTLE_MS } from '../ops/floating-address.js';
import { measureAddressMove } from './address-move.js';
import { CheckFailure, CheckSkipped, type Check, type LoadBalancerPair, type PortableCheckContext } from './check.js';
import type { ServerCheckContext } from './server-exposure.js';

const pairOf = (lab: Lab) => {
  const active = frontLoadBalancer(lab).name;
  return { active, partner: loadBalancers(lab).find((s) => s.name !== active)!.name };
};

function requirePair(pair: LoadBalancerPair | undefined): LoadBalancerPair {
  if (!pair) throw new CheckSkipped('the servers were not read for the LB pair');
  return pair;
}

/**
 * Before an address move: the partner must be able to take the address, or stopping the holder takes the site down
 * for nothing (lb-pair says why). Skips the move's check with the reason.
 */
export async function requireReadyPartner(pair: LoadBalancerPair | undefined, active: string, partner: string) {
  if (!pair) return;
  const state = (await pair.states())[partner];
  const missing = [
    ...(state?.keepalived ? [] : ['keepalived does not run there']),
    ...(state?.haproxyAnswers ? [] : ['HAProxy does not answer there']),
  ];
  if (missing.length > 0) {
    throw new CheckSkipped(
      `${partner} could not take the address (${missing.join(', ')}): stopping ${active} would take the site down`,
    );
  }
}

export const lbPair: Check<PortableCheckContext> = {
  name: 'lb-pair',
  guards:
    'the first load balancer holds the floating address (never both: a split brain) and both could: keepalived runs and HAProxy answers on each',
  appliesTo: (lab) => lab.capabilities.lbPair,
  async run({ lab, pair, clock }) {
    const { floatingAddress, states } = requirePair(pair);
    const { active, partner } = pairOf(lab);
    let read = await states();
    const holding = () => Object.keys(read).filter((lb) => read[lb].holds);
    // Both for a moment is a give-back in progress; both once the pair had time to settle is a split brain.
    if (holding().length > 1) {
      await clock.sleep(SPLIT_BRAIN_SETTLE_MS);
      read = await states();
    }
    const holders = holding();
    const problems: string[] = [];
    if (holders.length === 0) {
      problems.push(`no load balancer holds ${floatingAddress}: visitors reach nothing there`);
    } else if (holders.length > 1) {
      problems.push(
        `split brain: ${holders.join(' and ')} both hold ${floatingAddress}: they do not hear each other's VRRP adverts (IP protocol 112 blocked between them?)`,
      );
    } else if (holders[0] !== active) {
      problems.push(`${partner} holds ${floatingAddress}: ${active} cannot, so the pair has no spare`);
    }
    for (const [lb, state] of Object.entries(read)) {
      if (!state.keepalived) problems.push(`keepalived does not run on ${lb}`);
      if (!state.haproxyAnswers) problems.push(`HAProxy does not answer on ${lb}, so it cannot hold the address`);
    }
    if (problems.length > 0) throw new CheckFailure(problems.join('; '));
    return `${active} holds ${floatingAddress}; ${partner} is ready to take it (keepalived runs, HAProxy answers)`;
  },
};

export const lbHandover: Check<ServerCheckContext> = {
  name: 'lb-handover',
  guards:
    'asked for (--handover): keepalived stopped on the holder, the floating address moves to the partner in under 3 s and back, only requests in flight fail',
  appliesTo: (lab) => lab.capabilities.lbPair,
  async run({ lab, url, ca, pair }) {
    const { floatingAddress, holders, keepalived, handover } = requirePair(pair);
    const { active, partner } = pairOf(lab);
    if (!handover) {
      throw new CheckSkipped(
        `not asked: --handover moves ${floatingAddress} to ${partner} and back (requests in flight at the move may fail)`,
      );
    }
    const before = await holders();
    if (before.length !== 1 || before[0] !== active) {
      throw new CheckSkipped(
        `needs ${active} to hold ${floatingAddress} first; held by ${before.join(', ') || 'nobody'}`,
      );
    }
    await requireReadyPartner(pair, active, partner);
    return measureAddressMove({
      url,
      ca,
      active,
      partner,
      holders,
      takeAway: () => keepalived(active, 'stop'),
      giveBack: () => keepalived(active, 'start'),
      takenAway: `keepalived stopped on ${active} (its HAProxy kept running)`,
    });
  },
};
