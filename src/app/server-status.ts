// Use case `infra status --inventory FILE`: the lab infra deploy put on real servers, as it is now: each server
// reachable or not and its services running or not (over SSH), HAProxy's view of the web servers (its stats page),
// and each replica's threads and lag (through an SSH tunnel).
import { flavourOf } from '../flavours/index.js';
import { publishedStates } from '../ops/haproxy.js';
import { replicaStatus } from '../replication/apply.js';
import { withForwarded } from '../ops/databases.js';
import { isReplicating, type ReplicaStatus } from '../replication/replica-status.js';
import { requireSecrets } from '../render/secrets.js';
import { frontLoadBalancer, loadBalancers, replicaServers, webServers, type Lab } from '../topology/types.js';
import { floatingAddressHolders, serviceRuns } from '../targets/lb-pair.js';
import { readLabCa } from './lab-endpoint.js';
import type { HostVars } from '../runtime/ansible.js';
import { sshRun } from '../runtime/ssh.js';
import { serversUrl } from '../targets/targets.js';
import { labServers, openDatabaseTunnels } from './lab-servers.js';
import { serverService } from '../targets/server-daemons.js';
import type { AppEnv } from './context.js';
import type { RenderOptions } from './render.js';

export interface ServerState {
  reachable: boolean;
  error?: string;
  services: Record<string, 'running' | 'stopped'>;
}

/** Each service's state (its LSB status, or its process where the init script has none: serviceRuns). */
async function serverState(lab: Lab, name: string, vars: HostVars): Promise<ServerState> {
  const server = lab.servers.find((s) => s.name === name)!;
  const services = server.components.map((c) => serverService(lab, c.kind));
  const script = services.map((s) => `${serviceRuns(s)} && echo "${s} running" || echo "${s} stopped"`).join('; ');
  try {
    const out = await sshRun(name, vars, script);
    const states = Object.fromEntries(
      out
        .trim()
        .split('\n')
        .map((line) => line.split(' ') as [string, 'running' | 'stopped']),
    );
    return { reachable: true, services: states };
  } catch (error) {
    return { reachable: false, error: (error as Error).message, services: {} };
  }
}

/** The lab on its servers as it is now; `healthy` when every part of it is. */
export interface ServersStatus {
  healthy: boolean;
  lab: string;
  url: string;
  servers: Record<string, ServerState>;
  /** HAProxy's view of each web server (its stats page, through the lab's URL). */
  backends: Record<string, string>;
  /** Each replica's threads and lag, or why they could not be read. */
  replicas: Record<string, ReplicaStatus> | Error;
  /** redundant: the floating address and every LB holding it now. */
  floating?: { address: string; holders: string[] };
}

export async function readServerStatus(
  env: AppEnv,
  options: RenderOptions & { inventory: string | true },
): Promise<ServersStatus> {
  const { lab, dir, hosts, floatingAddress } = await labServers(options, 'read');
  const secured = lab.capabilities.tls;
  const front = frontLoadBalancer(lab).name;
  const url = serversUrl(front, hosts[front], secured, floatingAddress?.address);
  const ca = secured ? await readLabCa(dir) : undefined;
  const servers = Object.fromEntries(
    await Promise.all(Object.keys(hosts).map(async (n) => [n, await serverState(lab, n, hosts[n])] as const)),
  );
  const backends = await publishedStates({ url, ca }).catch(() => ({}) as Record<string, string>);
  const replicas = await replicaStates(env, lab, dir, hosts).catch((error: Error) => error);
  // redundant: which load balancer holds the floating address now (none, or both, is not healthy).
  const lbs = Object.fromEntries(loadBalancers(lab).map((s) => [s.name, hosts[s.name]]));
  const floating = floatingAddress
    ? {
        address: floatingAddress.address,
        holders: await floatingAddressHolders(lbs, floatingAddress.address).catch(() => [] as string[]),
      }
    : undefined;

  const healthy =
    Object.values(servers).every((s) => s.reachable && Object.values(s.services).every((x) => x === 'running')) &&
    webServers(lab).every((s) => backends[s.name] === 'UP') &&
    !(replicas instanceof Error) &&
    Object.values(replicas).every(isReplicating) &&
    (!floating || floating.holders.length === 1);
  return { healthy, lab: lab.name, url, servers, backends, replicas, floating };
}

async function replicaStates(
  env: AppEnv,
  lab: Lab,
  dir: string,
  hosts: Record<string, HostVars>,
): Promise<Record<string, ReplicaStatus>> {
  const secrets = await requireSecrets(dir);
  const replicas = replicaServers(lab).map((s) => s.name);
  const tunnels = await openDatabaseTunnels(lab, hosts, replicas);
  return withForwarded(
    tunnels,
    env.openSession,
    secrets,
    async (connections) =>
      Object.fromEntries(
        await Promise.all(replicas.map(async (r) => [r, await replicaStatus(connections[r], flavourOf(lab))] as const)),
      ),
    5000,
  );
}
