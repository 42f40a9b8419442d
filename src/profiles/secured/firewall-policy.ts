// The `secured` profile's firewall, as data: for each server, which TCP ports accept whom. One source for the
// rendered nftables file (web-01/firewall.nft), the table `explain security` prints, and the matrix the `firewall`
// check expects. Default deny inbound; loopback and replies to the server's own connections always pass.
import { flavourOf } from '../../flavours/index.js';
import { scrapeJobs } from '../../kinds/prometheus/scrape-jobs.js';
import { relayedPorts } from '../../kinds/socat/spec.js';
import { PORTS } from '../../topology/lab-constants.js';
import { loadBalancers, monitoringServer, webServers, type Lab, type Server } from '../../topology/types.js';

/** Who a rule lets in. */
export type Source =
  | { kind: 'anywhere' }
  | { kind: 'server'; name: string }
  /** infra's database forwarder (its addresses are in the tools range). */
  | { kind: 'tools' };

export interface Allow {
  port: number;
  /** What listens there: the sentence the rule's comment and `explain` say. */
  service: string;
  from: Source[];
  why: string;
}

export interface ServerPolicy {
  server: string;
  allows: Allow[];
  /** `redundant`: the load balancer whose VRRP adverts (IP protocol 112, not TCP) this one accepts. */
  vrrpFrom?: string;
}

export function firewallPolicy(lab: Lab): ServerPolicy[] {
  const balancers = loadBalancers(lab);
  const lbs = balancers.map((s): Source => ({ kind: 'server', name: s.name }));
  return lab.servers.map((server) => {
    const partner = server.role === 'lb' ? balancers.find((s) => s.name !== server.name) : undefined;
    return {
      server: server.name,
      allows: [...allowsOf(lab, server, lbs), ...scrapesOf(lab, server)],
      ...(partner ? { vrrpFrom: partner.name } : {}),
    };
  });
}

/** `monitored`: each exporter of a server accepts its scrape from the monitoring server, and nobody else. */
function scrapesOf(lab: Lab, server: Server): Allow[] {
  const monitoring = monitoringServer(lab);
  if (!monitoring || server.name === monitoring.name) return [];
  return scrapeJobs(lab)
    .filter((job) => job.targets.some((t) => t.server === server.name))
    .map((job) => ({
      port: job.port,
      service: `${job.name} metrics`,
      from: [{ kind: 'server', name: monitoring.name }],
      why: `${monitoring.name}'s Prometheus scrapes them`,
    }));
}

function allowsOf(lab: Lab, server: Server, lbs: Source[]): Allow[] {
  if (server.role === 'mon') {
    return [
      {
        port: PORTS.prometheus,
        service: 'Prometheus and the lab page',
        from: [{ kind: 'anywhere' }],
        why: 'published on 127.0.0.1 for you; its own exporters are scraped over loopback',
      },
    ];
  }
  if (server.role === 'edge') {
    return relayedPorts(lab).map((port) => ({
      port,
      service: `socat, relaying ${port} to the floating address`,
      from: [{ kind: 'anywhere' }],
      why: "the published ports arrive here (the edge stands for the Internet's route to the load balancers)",
    }));
  }
  if (server.role === 'lb') {
    return [
      {
        port: PORTS.http,
        service: 'HAProxy (HTTP, redirects to HTTPS)',
        from: [{ kind: 'anywhere' }],
        why: 'the public entry point',
      },
      { port: PORTS.https, service: 'HAProxy (HTTPS)', from: [{ kind: 'anywhere' }], why: 'the public entry point' },
    ];
  }
  const allows: Allow[] = [
    { port: PORTS.http, service: 'Nginx', from: lbs, why: 'only the load balancer sends web traffic here' },
  ];
  const others = webServers(lab)
    .filter((s) => s.name !== server.name)
    .map((s): Source => ({ kind: 'server', name: s.name }));
  // Every database, not only the primary's: `infra promote` moves the primary without touching the firewalls.
  allows.push({
    port: PORTS.database,
    service: flavourOf(lab).title,
    from: [...others, { kind: 'tools' }],
    why: "whichever is the primary: the replicas' replication connections and the other web servers' apps writing; infra configures it",
  });
  return allows;
}

/** Whether `from` may open `port` on `server`, by the policy. */
export function allowed(policy: ServerPolicy[], server: string, port: number, from: Source): boolean {
  const rule = policy.find((p) => p.server === server)?.allows.find((a) => a.port === port);
  if (!rule) return false;
  return rule.from.some(
    (s) =>
      s.kind === 'anywhere' ||
      (s.kind === from.kind && (s.kind !== 'server' || s.name === (from as { name: string }).name)),
  );
}

export function describeSource(source: Source): string {
  if (source.kind === 'anywhere') return 'anywhere';
  if (source.kind === 'tools') return "infra's tools";
  return source.name;
}

/** Every port some server's policy mentions or something listens on: the columns of the check's matrix. */
export function probedPorts(policy: ServerPolicy[]): number[] {
  const ports = new Set<number>([PORTS.http, PORTS.https, PORTS.app, PORTS.database, PORTS.haproxyApi]);
  if (policy.some((p) => p.allows.some((a) => a.port === PORTS.prometheus))) {
    for (const port of [
      PORTS.nodeExporter,
      PORTS.nginxExporter,
      PORTS.mysqldExporter,
      PORTS.haproxyMetrics,
      PORTS.nginxStatus,
    ]) {
      ports.add(port);
    }
  }
  for (const p of policy) for (const a of p.allows) ports.add(a.port);
  return [...ports].sort((a, b) => a - b);
}
