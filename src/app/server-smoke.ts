// Use case `infra smoke --inventory FILE`: the smoke checks against the lab on real servers. The same checks as in
// Docker where they carry over (LB, distribution, app path, replication, consistency), the databases reached through
// SSH tunnels, and the exposure seen from the servers themselves; with `redundant`, the LB pair. Nothing here stops a
// server; only --handover moves the floating address (keepalived stopped on its holder, then started again).
import { PORTABLE_CHECKS, runChecks } from '../checks/runner.js';
import { serverExposure, type ServerCheckContext } from '../checks/server-exposure.js';
import type { Check } from '../checks/check.js';
import { publishedStates } from '../ops/haproxy.js';
import { lazyDatabases } from '../ops/databases.js';
import { requireSecrets } from '../render/secrets.js';
import { smokeReport, type SmokeReport } from '../report/smoke-report.js';
import { PORTS } from '../topology/lab-constants.js';
import { frontLoadBalancer, loadBalancers, monitoringServer, type Lab } from '../topology/types.js';
import { monitoringCheck } from '../checks/monitoring.js';
import { readLabCa } from './lab-endpoint.js';
import { openPortsFrom } from '../targets/port-scan.js';
import { openTunnels } from '../runtime/ssh.js';
import { serversUrl } from '../targets/targets.js';
import { labServers, openDatabaseTunnels } from './lab-servers.js';
import { lbHandover, lbPair } from '../checks/lb-pair.js';
import { floatingAddressHolders, loadBalancerStates, setKeepalived } from '../targets/lb-pair.js';
import type { HostVars } from '../runtime/ansible.js';
import type { LoadBalancerPair } from '../checks/check.js';
import type { AppEnv } from './context.js';
import type { SmokeOptions } from './smoke.js';

export const SERVER_CHECKS: Check<ServerCheckContext>[] = [
  ...PORTABLE_CHECKS,
  serverExposure,
  monitoringCheck,
  lbPair,
  lbHandover,
];

export async function serverSmokeCommand(
  env: AppEnv,
  options: SmokeOptions & { inventory: string | true; handover?: boolean },
): Promise<SmokeReport> {
  const progress = env.progress(options.json);
  const { lab, dir, hosts, floatingAddress } = await labServers(options, 'read');
  const secrets = await requireSecrets(dir);
  const lb = frontLoadBalancer(lab).name;
  const secured = lab.capabilities.tls;
  const url = serversUrl(lb, hosts[lb], secured, floatingAddress?.address);
  const ca = secured ? await readLabCa(dir) : undefined;
  progress.note(`smoke checks on lab "${lab.name}" on its servers (${url})`);

  // monitored: Prometheus listens on its server's private address; a tunnel brings it to this machine's 127.0.0.1.
  const monitor = monitoringServer(lab);
  const monitorTunnel = monitor
    ? await openTunnels({ [monitor.name]: hosts[monitor.name] }, PORTS.prometheus, (s) => s)
    : undefined;
  const databases = lazyDatabases(() => openDatabaseTunnels(lab, hosts), env.openSession, secrets);
  const context: ServerCheckContext = {
    lab,
    url,
    ca,
    clock: env.clock,
    openSession: env.openSession,
    secrets,
    databasePorts: databases.ports,
    databases: databases.databases,
    backendStates: () => publishedStates({ url, ca }),
    monitorUrl: monitor && monitorTunnel ? `http://127.0.0.1:${monitorTunnel.ports[monitor.name]}` : undefined,
    openPorts: (from, targets, scanned) => openPortsFrom(from, hosts[from], targets, scanned),
    pair: floatingAddress && loadBalancerPair(lab, hosts, floatingAddress.address, Boolean(options.handover)),
  };
  try {
    const results = await runChecks(context, {
      skip: options.skip,
      checks: SERVER_CHECKS,
      onResult: progress.check,
    });
    return smokeReport(lab.name, url, results);
  } finally {
    await databases.close();
    await monitorTunnel?.close();
  }
}

/** `redundant`: the load balancers as the inventory reaches them, read and driven over SSH. */
function loadBalancerPair(
  lab: Lab,
  hosts: Record<string, HostVars>,
  floatingAddress: string,
  handover: boolean,
): LoadBalancerPair {
  const lbs = Object.fromEntries(loadBalancers(lab).map((s) => [s.name, hosts[s.name]]));
  return {
    floatingAddress,
    handover,
    states: () => loadBalancerStates(lbs, floatingAddress),
    holders: () => floatingAddressHolders(lbs, floatingAddress),
    keepalived: (lb, action) => setKeepalived(lb, lbs[lb], action),
  };
}
