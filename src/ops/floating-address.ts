// `redundant`: where the LB pair's floating address is now, read from the load balancers themselves: keepalived adds
// it to its server's eth0 as a second address, so the LB that lists one holds it.
import type { LoadBalancerPair, LoadBalancerState } from './lb-pair.js';
import type { ComponentState, ContainerRuntime } from '../runtime/port.js';

export interface FloatingAddress {
  /** The address, once some load balancer holds it. */
  address: string | null;
  /** The one load balancer holding it; null when none does (the published ports answer nothing) or both do. */
  holder: string | null;
  /** Every load balancer holding it: more than one is a split brain (they do not hear each other's adverts). */
  holders: string[];
}

/**
 * A give-back by priority lets both hold the address for a moment (milliseconds: the returning LB's first advert
 * makes the other let go); six adverts later, two holders are a split brain, not a move.
 */
export const SPLIT_BRAIN_SETTLE_MS = 3000;

/** The address keepalived added to an `ip -4 -o addr show dev eth0` listing (flagged secondary), or null. */
export function secondaryAddress(listing: string): string | null {
  const line = listing.split('\n').find((l) => /\bsecondary\b/.test(l));
  return line ? (/\binet (\d+\.\d+\.\d+\.\d+)\//.exec(line)?.[1] ?? null) : null;
}

/**
 * Every load balancer listing the address now, with it: one, none, or for a moment while it moves back by priority
 * both (the returning one has taken it, the other has not yet let go).
 */
export async function floatingAddressHolders(
  runtime: ContainerRuntime,
  containers: ComponentState[],
): Promise<{ server: string; address: string }[]> {
  const running = containers.filter((c) => c.component === 'keepalived' && c.state === 'running');
  const listed = await Promise.all(
    running.map(async (c) => {
      const listing = await runtime
        .exec(c.name, ['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0'])
        .catch(() => undefined);
      const address = listing?.exitCode === 0 ? secondaryAddress(listing.stdout) : null;
      return address ? { server: c.server, address } : undefined;
    }),
  );
  return listed.filter((h): h is { server: string; address: string } => h !== undefined);
}

/** undefined for a lab without keepalived (no `redundant`). Two holders are read again once the pair settled. */
export async function findFloatingAddress(
  runtime: ContainerRuntime,
  containers: ComponentState[],
  settleMs = SPLIT_BRAIN_SETTLE_MS,
): Promise<FloatingAddress | undefined> {
  if (!containers.some((c) => c.component === 'keepalived')) return undefined;
  let held = await floatingAddressHolders(runtime, containers);
  if (held.length > 1) {
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    held = await floatingAddressHolders(runtime, containers);
  }
  return {
    address: held[0]?.address ?? null,
    holder: held.length === 1 ? held[0].server : null,
    holders: held.map((h) => h.server),
  };
}

/**
 * The Docker lab's LB pair for the lb-pair check: each load balancer read through its keepalived container (which
 * shares the server's network namespace and carries keepalived's own HAProxy check). No handover: lb-failover, which
 * stops the whole LB, proves the move here.
 */
export function containerLoadBalancerPair(
  runtime: ContainerRuntime,
  containers: ComponentState[],
  floatingAddress: string,
): LoadBalancerPair {
  const keepaliveds = containers.filter((c) => c.component === 'keepalived');
  const holdsTest = `ip -4 -o addr show dev eth0 | grep -q ' inet ${floatingAddress.replace(/\./g, '\\.')}/'`;
  const readOne = async (c: ComponentState): Promise<LoadBalancerState> => {
    const answer = await runtime
      .exec(c.name, ['sh', '-c', `${holdsTest} && echo holds; /usr/local/bin/haproxy-answers && echo haproxy; true`])
      .catch(() => undefined);
    // keepalived is the container's process: the container answers exactly while it runs.
    const runs = answer?.exitCode === 0;
    const words = runs ? answer.stdout.split(/\s+/) : [];
    return { holds: words.includes('holds'), keepalived: runs, haproxyAnswers: words.includes('haproxy') };
  };
  return {
    floatingAddress,
    handover: false,
    states: async () =>
      Object.fromEntries(await Promise.all(keepaliveds.map(async (c) => [c.server, await readOne(c)] as const))),
    holders: async () => (await floatingAddressHolders(runtime, keepaliveds)).map((h) => h.server),
    keepalived: async (lb, action) => {
      const container = keepaliveds.find((c) => c.server === lb)!.name;
      await (action === 'stop' ? runtime.stop(container, 10) : runtime.start(container));
    },
  };
}
