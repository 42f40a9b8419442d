// The lab's servers in a user's inventory: every server of the model must be there (other hosts are left alone), and
// what Ansible knows of each (its address and SSH settings) is what infra's own SSH tunnels and checks use too.
import { UsageError } from '../errors.js';
import type { Lab } from '../topology/types.js';
import type { HostVars } from '../runtime/ansible.js';
import type { HostFacts } from './platform.js';
import type { TargetDefinition } from '../definition/definition.js';

/** The Ansible facts infra reads from each server before rendering for it. */
export const FACT_NAMES = [
  'ansible_distribution',
  'ansible_distribution_version',
  'ansible_distribution_major_version',
  'ansible_default_ipv4',
  'ansible_service_mgr',
  'ansible_env',
];

/** Where the servers were named: an inventory file, or infra.yaml's targets (each says how to add one). */
export interface ServersSource {
  label: string;
  addHint(server: string): string;
  /** `redundant`: where the load balancers' floating address is given. */
  floatingHint: string;
}

export const inventorySource = (file: string): ServersSource => ({
  label: `--inventory ${file}`,
  addHint: (s) => `${file}: add a line such as \`${s} ansible_host=<its address> ansible_user=<login>\``,
  floatingHint: `${file}: add \`[all:vars]\` and under it \`infra_floating_address=<a free address on the LBs' network>\``,
});

export const TARGETS_SOURCE: ServersSource = {
  label: "infra.yaml's targets",
  addHint: (s) => `targets.${s}: add \`{ host: <its address>, user: <login> }\``,
  floatingHint:
    "infra.yaml: give the first load balancer's target `floatingAddress: <a free address on the LBs' network>`",
};

/** The lab's server names, each present in the inventory; refuses naming the missing ones and how to add them. */
export function requireServers(lab: Lab, inventory: Record<string, HostVars>, source: ServersSource): string[] {
  const servers = lab.servers.map((s) => s.name);
  const missing = servers.filter((s) => !(s in inventory));
  if (missing.length > 0) {
    throw new UsageError(
      `${source.label} lacks ${missing.join(', ')}: every server of the lab must be a host of that name`,
      missing.map((s) => source.addHint(s)),
    );
  }
  return servers;
}

/** What infra read from a server: its release and service manager, and the address the other servers use. */
export function hostFactsOf(server: string, facts: Record<string, unknown>, vars: HostVars): HostFacts {
  const distribution = String(facts.ansible_distribution ?? 'unknown').toLowerCase();
  // Debian's point releases (13.2) share their packages: the major version names the release. Ubuntu's is 24.04.
  const release =
    distribution === 'debian'
      ? String(facts.ansible_distribution_major_version ?? '')
      : String(facts.ansible_distribution_version ?? '');
  const ipv4 = facts.ansible_default_ipv4 as
    { address?: string; interface?: string; network?: string; prefix?: string } | undefined;
  const address = String(vars.infra_address ?? ipv4?.address ?? '');
  if (!address) {
    throw new UsageError(`${server} has no default IPv4 address for the other servers to reach it at`, [
      `${server}: give it \`infra_address=<its private address>\` in the inventory`,
    ]);
  }
  // "client-address client-port server-address server-port": the port sshd answered on, behind any forwarding.
  const sshConnection = String((facts.ansible_env as Record<string, string> | undefined)?.SSH_CONNECTION ?? '');
  const sshPort = Number(sshConnection.split(' ')[3]) || 22;
  const serviceManager = String(facts.ansible_service_mgr ?? 'unknown');
  const networkInterface = vars.infra_interface ?? ipv4?.interface;
  // The default route's network, unless infra_interface names another interface (whose network infra did not read).
  const cidr =
    vars.infra_interface === undefined && ipv4?.network && ipv4.prefix ? `${ipv4.network}/${ipv4.prefix}` : undefined;
  const network = networkInterface ? { interface: String(networkInterface), ...(cidr ? { cidr } : {}) } : undefined;
  return { server, distribution, release, address, serviceManager, sshPort, ...(network ? { network } : {}) };
}

/** What `deploy --render-only` assumes of a server it does not reach, unless the inventory says otherwise. */
export const ASSUMED = { release: 'debian 13', serviceManager: 'systemd', interface: 'eth0', prefix: 24 } as const;

/**
 * A server's facts without reaching it (`deploy --render-only`): its release from `infra_release` ("debian 13"
 * unless given), systemd, its address from `infra_address` or `ansible_host`, its network the /24 around that
 * address on `infra_interface` (eth0 unless given). Rendering is then offline, for review.
 */
export function assumedFactsOf(server: string, vars: HostVars): HostFacts {
  const [distribution, release = ''] = String(vars.infra_release ?? ASSUMED.release)
    .toLowerCase()
    .split(/\s+/);
  const address = String(vars.infra_address ?? vars.ansible_host ?? '');
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) {
    throw new UsageError(`${server}: --render-only needs the address the other servers reach it at`, [
      `${server}: give it \`infra_address=<its private IPv4 address>\` in the inventory (ansible_host is "${String(vars.ansible_host ?? '')}")`,
    ]);
  }
  return {
    server,
    distribution,
    release,
    address,
    serviceManager: ASSUMED.serviceManager,
    sshPort: Number(vars.ansible_port ?? 22),
    network: { interface: String(vars.infra_interface ?? ASSUMED.interface), cidr: `${address}/${ASSUMED.prefix}` },
  };
}

/**
 * The lab's URL on real servers: the LB's `infra_url` (its domain, a forwarded port), else the LB pair's floating
 * address (`redundant`) or the LB's address, over HTTPS when secured (the certificate names the lab's domain: give
 * that as infra_url).
 */
export function serversUrl(lb: string, vars: HostVars, secured = false, floatingAddress?: string): string {
  if (typeof vars.infra_url === 'string') return vars.infra_url.replace(/\/$/, '');
  return `${secured ? 'https' : 'http'}://${floatingAddress ?? String(vars.ansible_host ?? lb)}`;
}

/** infra.yaml's `targets:` as an Ansible inventory (INI): one line per server, its settings as host variables. */
export function inventoryFromTargets(targets: Record<string, TargetDefinition>): string {
  const lines = ["# Rendered by infra from infra.yaml's targets; infra deploy uses it when no --inventory is given."];
  for (const [server, t] of Object.entries(targets).sort(([a], [b]) => a.localeCompare(b))) {
    const vars: [string, string | number | undefined][] = [
      ['ansible_host', t.host],
      ['ansible_port', t.port],
      ['ansible_user', t.user],
      ['ansible_ssh_private_key_file', t.key],
      ['infra_address', t.address],
      ['infra_url', t.url],
      ['infra_floating_address', t.floatingAddress],
      ['ansible_ssh_common_args', t.sshArgs],
    ];
    const set = vars.filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${JSON.stringify(String(v))}`);
    lines.push([server, ...set].join(' '));
  }
  return lines.join('\n') + '\n';
}
