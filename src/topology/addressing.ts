// Where a lab sits on this host beyond its model: its published ports and, with the `secured` or `redundant` profile,
// fixed addresses. A firewall speaks in addresses, so a secured lab's servers keep the same IP across restarts, as
// real servers do; a floating address must be one no container is given. The plan of one /24:
//   .1        Docker's gateway (published ports arrive from here)
//   .5        `redundant`: the LB pair's floating address, held by one load balancer at a time
//   .10 + i   the i-th server of the lab (lb-01 .10, web-01 .11, web-02 .12 in the built-in lab)
//   .128/26   any other container on the lab network (Docker hands these out: `docker run --network …`)
//   .240/28   infra's own tools (the database forwarder), which the firewall lets reach the databases
import { createHash } from 'node:crypto';
import type { Lab, Server } from './types.js';
import type { RealServer } from './real-server.js';

export interface LabSite {
  /** The LB's HTTP port on 127.0.0.1. */
  hostPort: number;
  /** `secured`: the LB's HTTPS port on 127.0.0.1. */
  httpsPort?: number;
  /** `secured`, `redundant`: the lab network's /24. */
  subnet?: string;
  /** `monitored`: Prometheus's port on 127.0.0.1 (its API and the lab page). */
  monitorPort?: number;
  /** `secured`: identifies the LB's certificate, so HAProxy restarts when it is issued again. */
  certificate?: string;
  /** `infra deploy`: rendered for real servers instead of containers, with what infra read from each. */
  realServers?: Record<string, RealServer>;
  /** `redundant` on real servers: the floating address the user gave, and its prefix on the LBs' network. */
  floatingAddress?: { address: string; prefix: number };
}

export function requireSubnet(site: LabSite): string {
  if (!site.subnet) throw new Error('a secured or redundant lab is rendered with a subnet');
  return site.subnet;
}

/**
 * Docker's default address pools start at 172.17.0.0/16 (then 172.18–31, then 192.168.0.0/16): 172.16.0.0/16 is
 * private and never handed out by Docker itself, so a lab's /24 there only meets other labs' or a user's own.
 */
const POOL_PREFIX = '172.16';
const SERVER_BASE = 10;
export const MAX_ADDRESSED_SERVERS = 100;
const FLOATING_HOST = 5;
const TOOLS_FIRST = 240;
const TOOLS_LAST = 254;

/** A free /24 for a lab: the one its name hashes to, or the next one no other network uses. */
export function chooseSubnet(labName: string, taken: string[]): string {
  const start = createHash('sha256').update(labName).digest()[0];
  for (let i = 0; i < 256; i++) {
    const candidate = `${POOL_PREFIX}.${(start + i) % 256}.0/24`;
    if (!taken.some((t) => overlaps(t, candidate))) return candidate;
  }
  throw new Error(`every /24 of ${POOL_PREFIX}.0.0/16 is in use by another Docker network`);
}

export function overlaps(a: string, b: string): boolean {
  const [na, la] = parseCidr(a);
  const [nb, lb] = parseCidr(b);
  const bits = Math.min(la, lb);
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (na & mask) >>> 0 === (nb & mask) >>> 0;
}

function parseCidr(cidr: string): [number, number] {
  const [ip, length = '32'] = cidr.split('/');
  const n = ip.split('.').reduce((acc, part) => ((acc << 8) | Number(part)) >>> 0, 0);
  return [n, Number(length)];
}

function hostAddress(subnet: string, host: number): string {
  return subnet.replace(/\.0\/24$/, `.${host}`);
}

export function serverAddress(subnet: string, lab: Lab, server: Pick<Server, 'name'>): string {
  const index = lab.servers.findIndex((s) => s.name === server.name);
  if (index < 0) throw new Error(`${server.name} is not a server of lab ${lab.name}`);
  return hostAddress(subnet, SERVER_BASE + index);
}

/** `redundant`: the floating address keepalived moves between the two load balancers. */
export function floatingAddress(subnet: string): string {
  return hostAddress(subnet, FLOATING_HOST);
}

/** Where Docker puts containers started on the lab network without an address of their own. */
export function visitorRange(subnet: string): string {
  return subnet.replace(/\.0\/24$/, '.128/26');
}

/** infra's tools' addresses, in the order a new tool tries them. */
export function toolAddresses(subnet: string): string[] {
  return Array.from({ length: TOOLS_LAST - TOOLS_FIRST + 1 }, (_, i) => hostAddress(subnet, TOOLS_FIRST + i));
}

export function toolsRange(subnet: string): string {
  return subnet.replace(/\.0\/24$/, `.${TOOLS_FIRST}/28`);
}
