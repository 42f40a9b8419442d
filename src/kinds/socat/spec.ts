// `redundant`: the edge's forwarder. Docker publishes ports of containers, not of an address that moves between
// them, so the edge server stands for the Internet's route to the LB pair: it publishes the lab's ports on 127.0.0.1
// and socat relays each connection to the floating address, wherever keepalived put it.
import { floatingAddress, requireSubnet } from '../../topology/addressing.js';
import { PORTS } from '../../topology/lab-constants.js';
import { type Lab } from '../../topology/types.js';
import type { KindSpec } from '../kind.js';
import type { LabSite } from '../../topology/addressing.js';

/**
 * Each port relays to the same port of the floating address. A connection made while the address moves is not
 * refused: socat tries again every 0.2 s for about 7 s (half a second per attempt), so a visitor waits out the move.
 */
function relay(port: number, vip: string): string {
  return `socat TCP-LISTEN:${port},fork,reuseaddr TCP:${vip}:${port},connect-timeout=0.5,retry=10,interval=0.2`;
}

/** The ports the edge relays: HTTP, and HTTPS in secured labs. */
export function relayedPorts(lab: Lab): number[] {
  return [PORTS.http, ...(lab.capabilities.tls ? [PORTS.https] : [])];
}

/**
 * The relays as one shell command: the container ends (and Docker reports it) if any of them does. bash is PID 1
 * there and would ignore Docker's SIGTERM (a stop would wait 10 s for the SIGKILL): the trap ends the relays at once.
 */
export function edgeCommand(lab: Lab, site: LabSite): string[] {
  const vip = floatingAddress(requireSubnet(site));
  const relays = relayedPorts(lab).map((port) => `${relay(port, vip)} &`);
  // `$$`: Compose would read `$(` as the start of one of its own variables.
  return ['bash', '-c', `trap 'kill $$(jobs -p); exit 0' TERM; ${relays.join(' ')} wait -n`];
}

export const socat: KindSpec<'socat'> = {
  kind: 'socat',
  runsOn: [],
  memoryMiB: 3,
  startRank: 0,
  listens: PORTS.http,
  reach: 'network',
  upstreamImage: () => '',
  // No official image: infra builds Debian's socat in both image sets, as it does its database forwarder.
  builtHere: () => true,
  buildExtras: () => [],
  files: () => [],
  sharedFiles: () => [],
  configFiles: () => [],
  service: (lab, _server, _component, site) => ({ command: edgeCommand(lab, site), environment: [], volumes: [] }),
  dataVolumes: () => [],
  why: () =>
    "the edge stands for the Internet's route to the load balancers: Docker cannot publish a floating address, so socat relays the published ports to it, wherever keepalived put it",
  diagramLabel: (lab) => `socat :${relayedPorts(lab).join(', :')}<br/>to the floating address`,
  // Only Docker needs a stand-in for the Internet's route to the floating address.
  onServer: null,
};
