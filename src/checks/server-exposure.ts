// Check exposure on real servers (`infra smoke --inventory`): each server's open TCP ports, as another server of the
// lab sees them (ports 1–1024 and the lab's own above it), are exactly what its role needs: SSH and HTTP on the load
// balancer; SSH, HTTP and the database (for the replicas) on a web server; with `secured`, what each firewall lets
// the scanning server in on. The app (5000) and HAProxy's runtime API (9999) answer on their own loopback only. Scanned from inside: this machine may only reach what is published.
import { PORTS } from '../topology/lab-constants.js';
import { loadBalancers, webServers } from '../topology/types.js';
import { allowed, firewallPolicy } from '../profiles/secured/firewall-policy.js';
import { CheckFailure, type Check, type PortableCheckContext } from './check.js';

export interface ServerCheckContext extends PortableCheckContext {
  /** Open TCP ports of `targets`, tried from server `from` (its own network position). */
  openPorts(from: string, targets: string[], ports: number[]): Promise<Record<string, number[]>>;
}

const SSH_PORT = 22;
/** The well-known ports, and the lab's own above them that must not answer beyond a server. */
export const SCANNED_PORTS = [
  ...Array.from({ length: 1024 }, (_, i) => i + 1),
  PORTS.database,
  PORTS.app,
  8080,
  8443,
  PORTS.haproxyApi,
];

export const serverExposure: Check<ServerCheckContext> = {
  name: 'exposure',
  guards:
    "each server answers on its role's ports only, or what its firewall lets the other server in on (secured): no app, no HAProxy API",
  async run({ lab, openPorts }) {
    const lbs = loadBalancers(lab).map((s) => s.name);
    const webs = webServers(lab).map((s) => s.name);
    // secured: what each server's firewall lets the scanning server reach; else what the role listens on.
    const policy = lab.capabilities.firewalls ? firewallPolicy(lab) : undefined;
    const byRole = (server: string): number[] =>
      lbs.includes(server) ? [PORTS.http, ...(policy ? [PORTS.https] : [])] : [PORTS.http, PORTS.database];
    const mayOpen = (server: string, port: number, from: string) =>
      port === SSH_PORT ||
      (policy ? allowed(policy, server, port, { kind: 'server', name: from }) : byRole(server).includes(port));
    // The LB looks at the web servers; the first web server at the LB.
    const scans = [
      { from: lbs[0], seen: await openPorts(lbs[0], webs, SCANNED_PORTS) },
      { from: webs[0], seen: await openPorts(webs[0], lbs, SCANNED_PORTS) },
    ];
    const wrong: string[] = [];
    const summary: string[] = [];
    for (const { from, seen } of scans)
      for (const [server, open] of Object.entries(seen)) {
        summary.push(`${server} ${open.join(', ') || 'none'} (from ${from})`);
        const extra = open.filter((p) => !mayOpen(server, p, from));
        if (extra.length > 0) wrong.push(`${server} answers on ${extra.join(', ')}`);
        if (!open.includes(PORTS.http)) wrong.push(`${server} does not answer on ${PORTS.http}`);
      }
    if (wrong.length > 0) throw new CheckFailure(`${wrong.join('; ')} (open: ${summary.join('; ')})`);
    return `open: ${summary.join('; ')}`;
  },
};
