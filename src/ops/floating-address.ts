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

/** undefined for a lab without keepalived (no `redundant`). */
export async function findFloatingAddress(
  runtime: ContainerRuntime,
  containers: ComponentState[],
): Promise<FloatingAddress | undefined> {
  const keepaliveds = containers.filter((c) => c.component === 'keepalived');
  if (keepaliveds.length === 0) return undefined;
  for (const c of keepaliveds.filter((k) => k.state === 'running')) {
    const listing = await runtime
      .exec(c.name, ['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0'])
      .catch(() => undefined);
    const address = listing?.exitCode === 0 ? secondaryAddress(listing.stdout) : null;
    if (address) return { address, holder: c.server };
  }
  return { address: null, holder: null };
}
