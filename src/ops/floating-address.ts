// `redundant`: where the LB pair's floating address is now, read from the load balancers themselves: keepalived adds
// it to its server's eth0 as a second address, so the LB that lists one holds it.
import type { ComponentState, ContainerRuntime } from '../runtime/port.js';

export interface FloatingAddress {
  /** The address, once some load balancer holds it. */
  address: string | null;
  /** The load balancer holding it, or null when none does (then the lab's published ports answer nothing). */
  holder: string | null;
}

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

/** undefined for a lab without keepalived (no `redundant`). */
export async function findFloatingAddress(
  runtime: ContainerRuntime,
  containers: ComponentState[],
): Promise<FloatingAddress | undefined> {
  if (!containers.some((c) => c.component === 'keepalived')) return undefined;
  const [first] = await floatingAddressHolders(runtime, containers);
  return first ? { address: first.address, holder: first.server } : { address: null, holder: null };
}
