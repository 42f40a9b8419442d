// Renders the firewall policy of one server as the nftables file its host container loads (web-01/firewall.nft).
import path from 'node:path';
import { profilesDir } from '../../paths.js';
import { renderTemplateIn } from '../../templating/engine.js';
import { file, type RenderedFile } from '../../templating/rendered-file.js';
import { serverAddress, toolsRange } from '../../topology/addressing.js';
import { containerName, type Lab } from '../../topology/types.js';
import { firewallPolicy, type Source } from './firewall-policy.js';
import { FIREWALL_FILE } from '../../kinds/host.js';

/** The Docker lab: each server's fixed address on the lab's subnet; infra's tools in their range. */
export function firewallFiles(lab: Lab, subnet: string): RenderedFile[] {
  return renderFirewalls(lab, {
    addressOf: (server) => serverAddress(subnet, lab, { name: server }),
    toolsRange: toolsRange(subnet),
  });
}

/**
 * `infra deploy`: each server's address as infra read it, SSH let in on the port each server's sshd answered on;
 * no tools range (infra reaches the databases through SSH tunnels, over each server's loopback).
 */
export function serverFirewallFiles(lab: Lab, servers: Record<string, { address: string; sshPort: number }>) {
  return renderFirewalls(lab, { addressOf: (server) => servers[server].address, sshPorts: servers });
}

interface FirewallSite {
  addressOf(server: string): string;
  toolsRange?: string;
  sshPorts?: Record<string, { sshPort: number }>;
}

function renderFirewalls(lab: Lab, site: FirewallSite): RenderedFile[] {
  // undefined: from anywhere; null: a source with no address here (infra's tools on real servers).
  const addressOf = (source: Source): string | null | undefined => {
    if (source.kind === 'anywhere') return undefined;
    if (source.kind === 'tools') return site.toolsRange ?? null;
    return site.addressOf(source.name);
  };
  return firewallPolicy(lab).map((policy) =>
    file(
      `${policy.server}/${FIREWALL_FILE}`,
      renderTemplateIn(path.join(profilesDir, 'secured'), 'firewall.nft', {
        lab: lab.name,
        server: policy.server,
        onServer: site.sshPorts !== undefined,
        sshPort: site.sshPorts?.[policy.server]?.sshPort,
        container: containerName(lab, policy.server),
        addresses: lab.servers.map((s) => ({ name: s.name, address: site.addressOf(s.name) })),
        toolsRange: site.toolsRange,
        vrrpFrom: policy.vrrpFrom ? { name: policy.vrrpFrom, address: site.addressOf(policy.vrrpFrom) } : undefined,
        rules: policy.allows.flatMap((allow) => {
          const addresses = allow.from.map(addressOf).filter((a) => a !== null);
          // A rule whose every source has no address here lets nobody in: it is left out, never opened to all.
          if (addresses.length === 0) return [];
          return {
            port: allow.port,
            service: allow.service,
            why: allow.why,
            // Any rule open to anywhere needs no address list.
            sources: addresses.includes(undefined) ? '' : addresses.join(', '),
          };
        }),
      }),
    ),
  );
}
