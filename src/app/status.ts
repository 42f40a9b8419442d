// Use case `status`: the live lab, read back from Docker labels (not from the lab folder): every server and its
// components with state and health, the LB URL, the lab folder; exit 1 when anything is not healthy.
import path from 'node:path';
import type { Io } from '../log.js';
import { painter } from '../log.js';
import { EXIT } from '../errors.js';
import { isHelper, isReady, type ComponentState, type ContainerState, type Health } from '../runtime/port.js';
import { resolveLabName, type LabTarget } from './lab-target.js';
import { serverStates } from '../ops/haproxy.js';
import { findFloatingAddress, type FloatingAddress } from '../ops/floating-address.js';
import { containerName, nameFlag, projectOf } from '../topology/types.js';
import { LAB_FILES } from '../paths.js';
import { labHttpsUrl, labUrl, monitoringUrls } from './lab-endpoint.js';
import type { AppEnv } from './context.js';
import { readReplicationState, type ReplicationState } from './replication-status.js';
import { readLabState } from '../render/write-lab.js';
import { describeInfra, THIS_INFRA } from '../version.js';
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
    servers: list,
  };
}

export async function statusCommand(
  env: AppEnv,
  options: LabTarget & { json: boolean; verify?: boolean },
): Promise<number> {
  const { io } = env;
  const lab = await resolveLabName(options);
  const runtime = await env.connect();
  const containers = await runtime.containers(lab);
  const status = summarise(lab, containers);
  const state = status.dir ? await readLabState(status.dir) : undefined;
  if (state) {
    status.infra = {
      version: state.infra?.version ?? null,
      commit: state.infra?.commit ?? null,
      upgrade_pending: (pendingUpgrade(state)?.migrations.length ?? 0) > 0,
    };
  }
  if (status.servers.length > 0) {
    const haproxy = containers.find((c) => c.component === 'haproxy' && c.state === 'running');
    if (haproxy) status.load_balancer = await serverStates(runtime, haproxy.name).catch(() => undefined);
    status.floating_address = await findFloatingAddress(runtime, containers);
    // None holding it, or both (a split brain), is not healthy.
    if (status.floating_address && !status.floating_address.holder) status.healthy = false;
    status.replication = await readReplicationState(runtime, env.openSession, lab, containers, {
      verify: options.verify,
    });
    status.healthy = status.healthy && status.replication.healthy;
  }
  if (options.json) {
    io.stdout.write(JSON.stringify(status, null, 2) + '\n');
  } else {
    printStatus(io, status);
  }
  return status.healthy ? EXIT.ok : EXIT.failed;
}

function printStatus(io: Io, status: LabStatus): void {
  const paint = painter(io.stdout, io.env);
  if (status.servers.length === 0) {
    io.stdout.write(
      `lab "${status.lab}" is not running (no containers). Start it with \`infra up${nameFlag(status.lab)}\`.\n`,
    );
    return;
  }
  io.stdout.write(`lab "${status.lab}"  ${status.healthy ? paint('green', 'healthy') : paint('red', 'NOT healthy')}\n`);
  io.stdout.write(`  url     ${status.url ?? '(LB not running)'}\n`);
  if (status.monitoring) {
    io.stdout.write(`  page    ${status.monitoring.page_url}   (Prometheus: ${status.monitoring.prometheus_url})\n`);
  }
  if (status.tls) {
    io.stdout.write(`          (plain HTTP ${status.urls.http} redirects; trust ${status.tls.ca_file} for HTTPS)\n`);
  }
  io.stdout.write(`  folder  ${status.dir ?? '(unknown)'}\n`);
  io.stdout.write(`  infra   ${madeByLine(status)}\n`);
  if (status.expires_at) io.stdout.write(`  expires ${status.expires_at} (\`infra reap\` removes it after that)\n`);
  io.stdout.write('\n');
  // Columns as wide as the longest name: an exporter's (lb-01-node-exporter) would push its row out of line.
  const nameWidth = Math.max(16, ...status.servers.flatMap((s) => s.components.map((c) => c.name.length)));
  for (const server of status.servers) {
    io.stdout.write(`${server.name.padEnd(10)} ${server.state}\n`);
    for (const c of server.components) {
      const ok = isReady(c) && c.network === 'ok';
      const mark = ok ? paint('green', '✓') : paint('red', '✗');
      const net =
        c.network === 'stale'
          ? paint(
              'red',
              `  cut off: its server restarted after it; run \`infra up${nameFlag(status.lab)}\` to reattach`,
            )
          : '';
      io.stdout.write(`  ${mark} ${c.name.padEnd(nameWidth)} ${c.state.padEnd(9)} ${c.health}${net}\n`);
    }
  }
  const floating = status.floating_address;
  if (floating) io.stdout.write(`\n${floatingAddressLine(status.lab, floating, paint)}\n`);
  if (status.load_balancer) {
    const states = Object.entries(status.load_balancer).map(
      ([server, state]) => `${server} ${state === 'UP' ? paint('green', state) : paint('red', state)}`,
    );
    io.stdout.write(`\nload balancer sees: ${states.join(', ')}\n`);
  }
  const replication = status.replication;
  if (!replication) return;
  io.stdout.write('\nreplication (GTID)\n');
  if (replication.error) {
    io.stdout.write(`  ${paint('red', '✗')} cannot read it: ${replication.error}\n`);
    return;
  }
  const primary = replication.primary;
  io.stdout.write(
    primary?.unreachable
      ? `  ${paint('red', '✗')} primary  ${primary.server}  infra cannot reach its database: ${primary.unreachable}\n`
      : `  primary  ${primary?.server}  at ${primary?.gtid_position ?? '(no transactions yet)'}\n`,
  );
  for (const r of replication.replicas) {
    const ok = r.io_running === 'Yes' && r.sql_running === 'Yes';
    io.stdout.write(
      `  ${ok ? paint('green', '✓') : paint('red', '✗')} replica ${r.server}  IO ${r.io_running}, SQL ${r.sql_running}, ` +
        `lag ${r.lag_seconds ?? '-'} s, at ${r.gtid_executed ?? '-'}${r.down ? ', database down' : r.read_only ? ', read-only' : ', WRITABLE'}\n`,
    );
    if (r.last_error) io.stdout.write(`      last error: ${r.last_error}\n`);
    if (r.consistent === false) io.stdout.write(`      ${paint('red', 'differs')}: ${r.differences?.join('; ')}\n`);
    if (r.consistent && r.compared) {
      const { database, tables, rows } = r.compared;
      io.stdout.write(
        `      ${paint('green', 'same data')} as the primary: ${tables} table(s) of ${database}, ${rows} row(s), compared by checksum\n`,
      );
    }
    if (r.errant) io.stdout.write(`      ${paint('red', 'errant')}: ${r.errant} (written on ${r.server} itself)\n`);
    if (r.advice) io.stdout.write(`      fix: ${r.advice}\n`);
  }
}

/** Which infra made the lab, and whether `up` would upgrade it. */
function madeByLine(status: LabStatus): string {
  const { version, commit, upgrade_pending } = status.infra;
  const made = version ? `made by ${describeInfra({ version, commit: commit ?? undefined })}` : 'made before 0.2.0';
  return upgrade_pending
    ? `${made}; \`infra up${nameFlag(status.lab)}\` upgrades it to ${describeInfra(THIS_INFRA)}`
    : made;
}

function floatingAddressLine(lab: string, floating: FloatingAddress, paint: ReturnType<typeof painter>): string {
  if (floating.holder) {
    return `floating address ${floating.address} on ${floating.holder} (the edge relays the published ports to it)`;
  }
  if (floating.holders.length > 1) {
    const [first, second] = floating.holders;
    return (
      `${paint('red', '✗')} split brain: ${floating.holders.join(' and ')} both hold ${floating.address}. They do not hear ` +
      `each other's VRRP adverts (IP protocol 112), so each thinks it is alone, and visitors reach whichever answered ` +
      `ARP last.\n  Look at what drops the adverts between them: \`docker exec ${containerName({ project: projectOf(lab) }, second)} nft list ruleset\` ` +
      `(and on ${first}); \`infra up${nameFlag(lab)}\` loads the rendered firewalls again`
    );
  }
  return `${paint('red', '✗')} floating address held by no load balancer: the published ports answer nothing; start one with \`infra recover <lb>${nameFlag(lab)}\``;
}
