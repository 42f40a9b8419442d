// `redundant`: keepalived on each load balancer, holding the lab's floating address on the first (MASTER) and moving
// it to the partner when the first stops or its HAProxy stops answering. It runs VRRP only (no virtual servers), as a
// component of the LB server with NET_ADMIN (adding an address to the server's eth0) given to it alone.
import { file } from '../../templating/rendered-file.js';
import { floatingAddress, requireSubnet } from '../../topology/addressing.js';
import { PORTS } from '../../topology/lab-constants.js';
import { containerName, frontLoadBalancer, loadBalancers, type Lab, type Server } from '../../topology/types.js';
import { kindTemplates, type KindSpec } from '../kind.js';

/** Its templates, in its folder: src/kinds/keepalived/. */
const render = kindTemplates('keepalived');

const CONFIG = '/etc/infra/keepalived.conf';
/** VRRPv3 adverts every half second: a dead MASTER is noticed after three missed ones (plus skew), well under 3 s. */
export const ADVERT_SECONDS = 0.5;
/**
 * Unique per network; every lab has a network of its own, so one id serves all. On real servers the adverts go by
 * unicast to the partner alone, so another VRRP router on the same LAN does not see them either.
 */
const ROUTER_ID = 51;
/** The check keepalived runs: in the keepalived image, or installed by infra deploy on a real LB. */
const HEALTH_CHECK = 'image/haproxy-answers';

export const isMasterLoadBalancer = (lab: Lab, server: Server): boolean => frontLoadBalancer(lab).name === server.name;

export const keepalived: KindSpec<'keepalived'> = {
  kind: 'keepalived',
  runsOn: [],
  // After HAProxy: the address should arrive where something answers on it.
  memoryMiB: 3,
  startRank: 4,
  listens: null,
  reach: 'network',
  // No official keepalived image exists: infra builds Debian's in both image sets.
  upstreamImage: () => '',
  builtHere: () => true,
  buildExtras: () => [{ name: 'haproxy-answers', mode: 0o755, view: { port: PORTS.http } }],
  files: (lab, server, site) => {
    const master = isMasterLoadBalancer(lab, server);
    const partner = loadBalancers(lab).find((s) => s.name !== server.name)?.name ?? server.name;
    const real = site.realServers;
    // On real servers: the address the user gave, on the interface of the LBs' network, adverts sent by unicast.
    const where = real
      ? {
          onServer: true,
          interface: real[server.name].facts.network?.interface,
          vip: site.floatingAddress?.address,
          prefix: site.floatingAddress?.prefix,
          address: real[server.name].facts.address,
          partnerAddress: real[partner].facts.address,
        }
      : { interface: 'eth0', vip: floatingAddress(requireSubnet(site)), prefix: 24 };
    const checkScript = real
      ? [file(`${server.name}/haproxy-answers`, render(HEALTH_CHECK, { port: PORTS.http }), 0o755)]
      : [];
    return [
      ...checkScript,
      file(
        `${server.name}/keepalived.conf`,
        render('keepalived.conf', {
          lab: lab.name,
          server: server.name,
          partner,
          container: containerName(lab, `${server.name}-keepalived`),
          ...where,
          instance: lab.name.replace(/-/g, '_'),
          master,
          state: master ? 'MASTER' : 'BACKUP',
          priority: master ? 150 : 100,
          routerId: ROUTER_ID,
          advertSeconds: ADVERT_SECONDS,
          takeoverSeconds: ADVERT_SECONDS * 3 + 0.5,
        }),
      ),
    ];
  },
  sharedFiles: () => [],
  configFiles: (_lab, server) => [`${server.name}/keepalived.conf`],
  service: (_lab, server) => ({
    command: ['keepalived', '--dont-fork', '--log-console', '--vrrp', `--use-file=${CONFIG}`],
    environment: [],
    volumes: [`./${server.name}/keepalived.conf:${CONFIG}:ro`],
    capAdd: ['NET_ADMIN'],
  }),
  dataVolumes: () => [],
  why: (lab, server) =>
    isMasterLoadBalancer(lab, server)
      ? `keepalived holds the lab's floating address on ${server.name} while its HAProxy answers, and hands it to the partner when it does not`
      : `keepalived takes the lab's floating address onto ${server.name} when the other load balancer or its HAProxy stops, so the entry point survives the loss of one LB`,
  diagramLabel: (lab, server) => `keepalived<br/>${isMasterLoadBalancer(lab, server) ? 'MASTER' : 'BACKUP'}`,
  onServer: { role: 'keepalived', package: 'keepalived', service: () => 'keepalived', programs: [] },
};
