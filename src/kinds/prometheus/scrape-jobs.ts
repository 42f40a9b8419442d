// `monitored`: what Prometheus scrapes, as jobs of targets by server name, derived from the components each server
// runs: a component kind with an exporter is a target of that exporter's job.
import { PORTS } from '../../topology/lab-constants.js';
import type { ComponentKind, Lab } from '../../topology/types.js';

export interface ScrapeJob {
  name: string;
  why: string;
  port: number;
  /** HAProxy's metrics carry a `server` label of their own (the backend server): keep it, not the target's. */
  honorLabels: boolean;
  targets: { server: string; role: string }[];
}

const JOBS: { name: string; kind: ComponentKind; port: number; why: string; honorLabels?: boolean }[] = [
  { name: 'node', kind: 'node-exporter', port: PORTS.nodeExporter, why: 'every server: CPU, memory, disk, network' },
  { name: 'nginx', kind: 'nginx-exporter', port: PORTS.nginxExporter, why: "each web server's Nginx" },
  { name: 'mysqld', kind: 'mysqld-exporter', port: PORTS.mysqldExporter, why: "each web server's database" },
  {
    name: 'haproxy',
    kind: 'haproxy',
    port: PORTS.haproxyMetrics,
    why: "the load balancer, by HAProxy's built-in exporter",
    honorLabels: true,
  },
  { name: 'prometheus', kind: 'prometheus', port: PORTS.prometheus, why: 'Prometheus itself' },
];

export function scrapeJobs(lab: Lab): ScrapeJob[] {
  return JOBS.map((job) => ({
    name: job.name,
    why: job.why,
    port: job.port,
    honorLabels: job.honorLabels ?? false,
    targets: lab.servers
      .filter((s) => s.components.some((c) => c.kind === job.kind))
      .map((s) => ({ server: s.name, role: s.role })),
  })).filter((job) => job.targets.length > 0);
}
