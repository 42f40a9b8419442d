// Check lb-failover (`redundant`): the load balancer holding the floating address stops (`infra fail`) while visitors
// keep sending requests through the published port; keepalived moves the address to the partner (goal: under 3 s),
// and no request fails but those in flight while the LB stopped. The LB comes back (`infra recover`) and takes the
// address back by priority; there too, only requests in flight on the partner as the address left it may fail.
import { findFloatingAddress, floatingAddressHolders } from '../ops/floating-address.js';
import { failServer, recoverServer } from '../ops/server-power.js';
import { frontLoadBalancer, loadBalancers } from '../topology/types.js';
import { measureAddressMove } from './address-move.js';
import { CheckSkipped, type Check } from './check.js';
import { requireReadyPartner } from './lb-pair.js';

export const lbFailover: Check = {
  name: 'lb-failover',
  guards:
    'with the active load balancer down, the floating address moves to its partner in under 3 s and only requests in flight fail; it returns with the LB',
  appliesTo: (lab) => lab.capabilities.lbPair,
  async run({ lab, url, ca, runtime, clock, containers, pair }) {
    const active = frontLoadBalancer(lab).name;
    const partner = loadBalancers(lab).find((s) => s.name !== active)!.name;
    const before = await findFloatingAddress(runtime, containers);
    if (before?.holder !== active) {
      throw new CheckSkipped(
        `needs ${active} to hold the floating address first; held by ${before?.holder ?? 'nobody'}`,
      );
    }
    await requireReadyPartner(pair, active, partner);
    // Each poll asks only the two keepalived containers found now (their names outlive the stop and the start),
    // not the whole lab: a slow poll would add its own time to the move it measures.
    const keepaliveds = containers.filter((c) => c.component === 'keepalived');
    return measureAddressMove({
      url,
      ca,
      active,
      partner,
      holders: async () => (await floatingAddressHolders(runtime, keepaliveds)).map((h) => h.server),
      takeAway: () => failServer(runtime, lab.name, active),
      giveBack: () => recoverServer(runtime, lab.name, active, { timeoutMs: 60_000, clock }),
      takenAway: `${active} stopped`,
    });
  },
};
