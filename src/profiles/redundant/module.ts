// The `redundant` profile as a function of the model (docs/ARCHITECTURE.md): the one load balancer becomes a pair,
// both running HAProxy with the same backend plus keepalived, which holds a floating address on the first (MASTER)
// and moves it to the second when the first or its HAProxy dies. Docker cannot publish a floating address, so the lab
// gains an `edge` server standing for the Internet's route to it: it publishes the lab's ports and forwards them there.
import { EDGE_SERVER } from '../../topology/lab-constants.js';
import { componentOf, type Lab, type Server } from '../../topology/types.js';
import { nameTaken, type ProfileModule } from '../profile.js';

/** The partner of a load balancer: lb-01 → lb-02 (the number kept at its width), else `<name>-2`. */
export function partnerName(name: string): string {
  const numbered = /^(.*?)(\d+)$/.exec(name);
  if (!numbered) return `${name}-2`;
  const next = String(Number(numbered[2]) + 1).padStart(numbered[2].length, '0');
  return `${numbered[1]}${next}`;
}

/** The servers the profile adds, by name, given the one load balancer the user defined. */
export function redundantServerNames(lbName: string): string[] {
  return [partnerName(lbName), EDGE_SERVER];
}

/**
 * The lab as real servers run it (`infra deploy`): no edge, since the servers' own network routes visitors to the
 * floating address. Other labs are returned as they are.
 */
export function withoutEdge(lab: Lab): Lab {
  return { ...lab, servers: lab.servers.filter((s) => s.role !== 'edge') };
}

export const redundantProfile: ProfileModule = {
  name: 'redundant',
  // The servers it adds, under names the user's own servers must not take.
  validate: (facts) =>
    facts.loadBalancer === undefined
      ? []
      : redundantServerNames(facts.loadBalancer).flatMap((name) =>
          nameTaken(facts, name, `is a server the redundant profile adds (beside ${facts.loadBalancer})`),
        ),
  apply: (lab) => ({ ...addRedundancy(lab), capabilities: { ...lab.capabilities, lbPair: true } }),
};

function addRedundancy(lab: Lab): Lab {
  const index = lab.servers.findIndex((s) => s.role === 'lb');
  const first = lab.servers[index];
  const withKeepalived = (server: Server): Server => ({
    ...server,
    components: [...server.components, componentOf(server.name, 'keepalived')],
  });
  const partnerServer = partnerName(first.name);
  const partner: Server = withKeepalived({
    ...first,
    name: partnerServer,
    components: first.components.map((c) => componentOf(partnerServer, c.kind)),
  });
  const edge: Server = {
    name: EDGE_SERVER,
    role: 'edge',
    components: [componentOf(EDGE_SERVER, 'socat')],
    backup: false,
    healthCheck: first.healthCheck,
  };
  // The partner right after the first LB (addresses and listings read lb-01, lb-02, web-…), the edge last.
  const servers = [...lab.servers];
  servers.splice(index, 1, withKeepalived(first), partner);
  return { ...lab, servers: [...servers, edge] };
}
