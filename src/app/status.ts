// Use case `status`: the live lab, read back from Docker labels (not from the lab folder): every server and its
// components with state and health, the LB URL, the lab folder; exit 1 when anything is not healthy.
import path from 'node:path';
import type { Fault } from '../faults/fault.js';
import { readFaults } from '../ops/fault-record.js';
import { isHelper, isReady, type ComponentState, type ContainerState, type Health } from '../runtime/port.js';
import { resolveLabName, type LabTarget } from './lab-target.js';
import { serverStates } from '../ops/haproxy.js';
import { findFloatingAddress, type FloatingAddress } from '../ops/floating-address.js';
import { LAB_FILES } from '../paths.js';
import { labHttpsUrl, labUrl, monitoringUrls } from './lab-endpoint.js';
import type { AppEnv } from './context.js';
import { readReplicationState, type ReplicationState } from './replication-status.js';
import { readLabState } from '../render/write-lab.js';
import { pendingUpgrade } from './upgrade.js';

export interface LabStatus {
  lab: string;
  running: boolean;
  healthy: boolean;
  /** The URL a visitor uses (HTTPS when the lab is secured). */
  url: string | null;
  /** Each published URL: `https` only for secured labs. */
  urls: { http: string | null; https: string | null };
  /** Secured labs: the lab CA's certificate, for `curl --cacert` or a browser. */
  tls: { ca_file: string } | null;
  /** Monitored labs: Prometheus's API and the live lab page, on 127.0.0.1. */
  monitoring: { prometheus_url: string; page_url: string } | null;
  dir: string | null;
  /** When `infra reap` may remove the lab (`up --ttl`), or null. */
  expires_at: string | null;
  /** The infra that made the lab or last upgraded it: the folder's record, else the containers' label. Version
   * null: an infra before 0.2.0, which recorded none. `upgrade_pending`: this infra has migrations for it (`up`). */
  infra: { version: string | null; commit: string | null; upgrade_pending: boolean };
  replication?: ReplicationState;
  /** `redundant`: the LB pair's floating address and the load balancer holding it now (null: none does). */
  floating_address?: FloatingAddress;
  /** Each web server's state as HAProxy sees it (UP, DOWN, MAINT), when the LB runs. */
  load_balancer?: Record<string, string>;
  /** The faults `infra fault` made and `infra heal` has not undone, oldest first. */
  faults: Fault[];
  servers: {
    name: string;
    /** `missing` when components of a server remain but its host container is gone. */
    state: ContainerState | 'missing';
    components: {
      name: string;
      kind: ComponentState['component'];
      state: ContainerState;
      health: Health;
      network: 'ok' | 'stale';
    }[];
  }[];
}

export function summarise(lab: string, all: ComponentState[]): LabStatus {
  const expiresAt = all.find((c) => c.component === 'lease')?.expiresAt ?? null;
  const containers = all.filter((c) => !isHelper(c));
  const servers = new Map<string, LabStatus['servers'][number]>();
  for (const c of containers.filter((c) => c.component === 'host')) {
    servers.set(c.server, { name: c.server, state: c.state, components: [] });
  }
  for (const c of containers.filter((c) => c.component !== 'host')) {
    const server = servers.get(c.server) ?? { name: c.server, state: 'missing', components: [] };
    servers.set(c.server, server);
    server.components.push({
      name: `${c.server}-${c.component}`,
      kind: c.component,
      state: c.state,
      health: c.health,
      network: c.staleNetwork ? 'stale' : 'ok',
    });
  }
  const lb = containers.find((c) => c.publishedPort);
  const published = lb?.publishedPort;
  const tls = lb?.publishedTlsPort;
  const monitor = containers.find((c) => c.publishedMonitorPort)?.publishedMonitorPort;
  const dir = containers.find((c) => c.workingDir)?.workingDir ?? null;
  const urls = {
    http: published ? labUrl(published.port, published.ip) : null,
    https: tls ? labHttpsUrl(tls.port, tls.ip) : null,
  };
  const list = [...servers.values()].sort((a, b) => a.name.localeCompare(b.name));
  const components = list.flatMap((s) => s.components);
  return {
    lab,
    running: containers.some((c) => c.state === 'running'),
    healthy:
      list.length > 0 &&
      list.every((s) => s.state === 'running') &&
      components.every((c) => isReady(c) && c.network === 'ok'),
    url: urls.https ?? urls.http,
    urls,
    tls: tls && dir ? { ca_file: path.join(dir, LAB_FILES.caCert) } : null,
    monitoring: monitor ? monitoringUrls(monitor.port, monitor.ip) : null,
    dir,
    expires_at: expiresAt,
    infra: {
      version: containers.find((c) => c.infraVersion)?.infraVersion ?? null,
      commit: null,
      upgrade_pending: false,
    },
    faults: [],
    servers: list,
  };
}

/** The running lab as it is now: every component, HAProxy's view, the floating address, replication. */
export async function readStatus(env: AppEnv, options: LabTarget & { verify?: boolean }): Promise<LabStatus> {
  const lab = await resolveLabName(options);
  const runtime = await env.connect();
  const containers = await runtime.containers(lab);
  const status = summarise(lab, containers);
  const state = status.dir ? await readLabState(status.dir) : undefined;
  if (status.dir && status.servers.length > 0) status.faults = await readFaults(status.dir);
  if (state) {
    status.infra = {
      version: state.infra?.version ?? null,
      commit: state.infra?.commit ?? null,
      upgrade_pending: (pendingUpgrade(state)?.migrations.length ?? 0) > 0,
    };
  }
  if (status.servers.length > 0) {
    const haproxy = containers.find((c) => c.component === 'haproxy' && c.state === 'running');
    // Three reads of different containers, at once: a status of a lab with every profile took 0.2 s less.
    const [loadBalancer, floatingAddress, replication] = await Promise.all([
      haproxy ? serverStates(runtime, haproxy.name).catch(() => undefined) : undefined,
      findFloatingAddress(runtime, containers),
      readReplicationState(runtime, env.openSession, lab, containers, { verify: options.verify }),
    ]);
    if (loadBalancer) status.load_balancer = loadBalancer;
    status.floating_address = floatingAddress;
    // None holding it, or both (a split brain), is not healthy.
    if (floatingAddress && !floatingAddress.holder) status.healthy = false;
    status.replication = replication;
    status.healthy = status.healthy && replication.healthy;
  }
  return status;
}
