// Who holds a load balancer port on 127.0.0.1: this lab (fine), another lab (named), another program, or nobody.
// Shared by `up` (which refuses to start half a lab) and `doctor` (which reports it).
import type { ComponentState } from '../runtime/port.js';
import { isPortFree } from '../runtime/free-port.js';

export type PortUse = { taken: false; byThisLab: boolean } | { taken: true; holder?: ComponentState };

/** `all`: every lab's containers, as the caller already listed them. */
export async function lbPortUse(all: ComponentState[], lab: string, port: number): Promise<PortUse> {
  const holder = all.find(
    (c) => (c.publishedPort?.port === port || c.publishedTlsPort?.port === port) && c.state === 'running',
  );
  if (holder?.lab === lab) return { taken: false, byThisLab: true };
  if (await isPortFree(port)) return { taken: false, byThisLab: false };
  return { taken: true, holder };
}
