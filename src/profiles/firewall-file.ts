// Renders the firewall policy of one server as the nftables file its host container loads (web-01/firewall.nft).
import { renderTemplate } from '../render/engine.js';
import { file, type RenderedFile } from '../render/rendered-file.js';
import { serverAddress, toolsRange } from '../topology/addressing.js';
import { containerName, type Lab } from '../topology/types.js';
import { firewallPolicy, type Source } from './firewall-policy.js';

/** Where a server's host container finds its folder, and so its firewall file. */
export const SERVER_FOLDER_MOUNT = '/etc/infra/server';
export const FIREWALL_FILE = 'firewall.nft';

export function firewallFiles(lab: Lab, subnet: string): RenderedFile[] {
  const addressOf = (source: Source): string | undefined => {
    if (source.kind === 'anywhere') return undefined;
    if (source.kind === 'tools') return toolsRange(subnet);
    return serverAddress(subnet, lab, { name: source.name });
  };
  return firewallPolicy(lab).map((policy) =>
    file(
      `${policy.server}/${FIREWALL_FILE}`,
      renderTemplate('firewall.nft', {
        lab: lab.name,
        server: policy.server,
        container: containerName(lab, policy.server),
        addresses: lab.servers.map((s) => ({ name: s.name, address: serverAddress(subnet, lab, s) })),
        toolsRange: toolsRange(subnet),
        vrrpFrom: policy.vrrpFrom
          ? { name: policy.vrrpFrom, address: serverAddress(subnet, lab, { name: policy.vrrpFrom }) }
          : undefined,
        rules: policy.allows.map((allow) => {
          const addresses = allow.from.map(addressOf);
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
