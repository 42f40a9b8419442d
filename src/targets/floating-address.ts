// `redundant` on real servers: the floating address is the user's to give (`infra_floating_address`, on a load
// balancer or for all hosts): a free address on the load balancers' own network, which keepalived adds to whichever
// LB holds it. Visitors (and DNS) go there; no edge is needed, the network itself routes to it.
import { UsageError } from '../errors.js';
import type { HostVars } from '../runtime/ansible.js';
import { overlaps } from '../topology/addressing.js';
import { loadBalancers, type Lab } from '../topology/types.js';
import type { RealServer } from './platform.js';
import type { ServersSource } from './targets.js';

export const FLOATING_ADDRESS_VAR = 'infra_floating_address';

export interface ServerFloatingAddress {
  address: string;
  /** Its prefix length on the LBs' network; absent: the network's own, as infra read it. */
  prefix?: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;

/** `10.0.0.100` or `10.0.0.100/24`; null when it is not an IPv4 address. */
export function parseFloatingAddress(text: string): ServerFloatingAddress | null {
  const match = IPV4.exec(text.trim());
  if (!match || match.slice(1, 5).some((octet) => Number(octet) > 255)) return null;
  if (match[5] !== undefined && (Number(match[5]) < 8 || Number(match[5]) > 32)) return null;
  const address = match.slice(1, 5).map(Number).join('.');
  return match[5] === undefined ? { address } : { address, prefix: Number(match[5]) };
}

/**
 * The floating address the load balancers' host variables give (undefined without `redundant`): one value, on
 * either LB or on both alike. Refuses a missing, malformed or disagreeing one, naming where to set it.
 */
export function floatingAddressOf(
  lab: Lab,
  hosts: Record<string, HostVars>,
  source: ServersSource,
): ServerFloatingAddress | undefined {
  if (!lab.capabilities.lbPair) return undefined;
  const lbs = loadBalancers(lab).map((s) => s.name);
  const given = lbs.flatMap((lb) =>
    hosts[lb]?.[FLOATING_ADDRESS_VAR] === undefined ? [] : [{ lb, text: String(hosts[lb][FLOATING_ADDRESS_VAR]) }],
  );
  const howToSet = source.floatingHint;
  if (given.length === 0) {
    throw new UsageError(
      `the redundant profile needs a floating address for ${lbs.join(' and ')} to share, and ${source.label} gives none`,
      [howToSet],
    );
  }
  const texts = new Set(given.map((g) => g.text));
  if (texts.size > 1) {
    throw new UsageError(
      `${FLOATING_ADDRESS_VAR} differs between ${given.map((g) => `${g.lb} (${g.text})`).join(' and ')}`,
      [`give the load balancers one floating address: ${howToSet}`],
    );
  }
  const parsed = parseFloatingAddress(given[0].text);
  if (!parsed) {
    throw new UsageError(`${FLOATING_ADDRESS_VAR} "${given[0].text}" is not an IPv4 address`, [
      `an address such as 10.0.0.100, or 10.0.0.100/24 with its prefix: ${howToSet}`,
    ]);
  }
  return parsed;
}

/**
 * With what infra read from the servers: the floating address must be on each load balancer's network and no
 * server's own; its prefix is that network's unless given. Returns it with the prefix keepalived adds it with.
 */
export function requireFloatingAddress(
  lab: Lab,
  floating: ServerFloatingAddress,
  servers: Record<string, RealServer>,
): Required<ServerFloatingAddress> {
  const owner = Object.values(servers).find((s) => s.facts.address === floating.address);
  if (owner) {
    throw new UsageError(`${FLOATING_ADDRESS_VAR} ${floating.address} is ${owner.facts.server}'s own address`, [
      `${FLOATING_ADDRESS_VAR}: a free address on the load balancers' network, which no server uses`,
    ]);
  }
  let prefix = floating.prefix;
  for (const lb of loadBalancers(lab)) {
    const { network } = servers[lb.name].facts;
    if (!network) {
      throw new UsageError(
        `${lb.name} has no default IPv4 route, so infra cannot tell where the floating address goes`,
        [`${lb.name}: give it \`infra_interface=<the interface on the LBs' network>\` in the inventory`],
      );
    }
    if (!network.cidr) {
      if (prefix === undefined) {
        throw new UsageError(`${FLOATING_ADDRESS_VAR} needs its prefix length when infra_interface is given`, [
          `${FLOATING_ADDRESS_VAR}=${floating.address}/<prefix of ${lb.name}'s ${network.interface} network, e.g. 24>`,
        ]);
      }
      continue;
    }
    if (!overlaps(network.cidr, `${floating.address}/32`)) {
      throw new UsageError(
        `${FLOATING_ADDRESS_VAR} ${floating.address} is not on ${lb.name}'s network ${network.cidr} (${network.interface}), ` +
          'so the other load balancer could not take it over there',
        [
          `${FLOATING_ADDRESS_VAR}: a free address in ${network.cidr}`,
          `or infra_interface=<interface> on ${lb.name} when the LBs share another network`,
        ],
      );
    }
    prefix ??= Number(network.cidr.split('/')[1]);
  }
  return { address: floating.address, prefix: prefix! };
}
