// The load balancer: HAProxy in front of the web servers, its config rendered per LB server from the model.
import { file } from '../../templating/rendered-file.js';
import { MONITORING_SERVER, PORTS, STATS_PATH } from '../../topology/lab-constants.js';
import { LAB_FILES } from '../../paths.js';
import { webServers } from '../../topology/types.js';
import { builtInDebianSet, kindTemplates, type KindSpec } from '../kind.js';
import { HEALTH_INTERVAL } from '../../templating/service-parts.js';

/** Its templates, in its folder: src/kinds/haproxy/. */
const render = kindTemplates('haproxy');

const CONFIG = '/etc/infra/haproxy.cfg';
/** Where HAProxy reads the secured profile's certificate and key (tls/server.pem in the lab folder). */
const SERVER_PEM = '/etc/infra/tls/server.pem';
/** Connections a web server takes under `balance first` before the next one is used. */
export const FIRST_MAXCONN = 32;
/**
 * HAProxy's check interval once a check of an UP server failed (fastinter) and while a server is DOWN (downinter):
 * a quiet lab still drops a dead server within one interval and half a second, and takes it back within a second
 * of its return, while an idle lab is checked four times less often than at 500 ms throughout.
 */
export const FAST_CHECK_INTERVAL_MS = 500;

export const haproxy: KindSpec<'haproxy'> = {
  kind: 'haproxy',
  runsOn: ['lb'],
  memoryMiB: 15,
  startRank: 3,
  listens: PORTS.http,
  reach: 'network',
  upstreamImage: () => 'haproxy:3.0',
  builtHere: builtInDebianSet,
  buildExtras: () => [],
  files: (lab, server, site) => [
    file(
      `${server.name}/haproxy.cfg`,
      render('haproxy.cfg', {
        lab: lab.name,
        server: server.name,
        container: `${lab.project}-${server.name}-haproxy`,
        balance: lab.balance,
        domain: lab.domain,
        statsPath: STATS_PATH,
        onServer: site.realServers !== undefined,
        metricsPort: lab.capabilities.monitoring ? PORTS.haproxyMetrics : undefined,
        monitoringServer: MONITORING_SERVER,
        tls: lab.capabilities.tls
          ? {
              pem: SERVER_PEM,
              hostPort: site.httpsPort,
              portSuffix: site.httpsPort === PORTS.https ? '' : `:${site.httpsPort}`,
            }
          : undefined,
        // `first` fills one server before the next, and "full" means its maxconn: without one it is never full.
        maxconn: lab.balance === 'first' ? FIRST_MAXCONN : 0,
        backends: webServers(lab).map((s) => ({
          name: s.name,
          backup: s.backup,
          maxconn: lab.balance === 'first' ? FIRST_MAXCONN : 0,
          ...s.healthCheck,
          fastIntervalMs: Math.min(FAST_CHECK_INTERVAL_MS, s.healthCheck.intervalMs),
        })),
      }),
    ),
  ],
  sharedFiles: () => [],
  configFiles: (lab, server) => [`${server.name}/haproxy.cfg`, ...(lab.capabilities.tls ? [LAB_FILES.serverPem] : [])],
  service: (lab, server) => ({
    // The official image runs HAProxy as uid 99, which cannot read the lab's private key (mode 0600, the user's):
    // it reads it as root, like the Debian image does.
    ...(lab.capabilities.tls && !haproxy.builtHere(lab) ? { user: '0' } : {}),
    command: ['haproxy', '-W', '-db', '-f', CONFIG],
    environment: [],
    volumes: [
      `./${server.name}/haproxy.cfg:${CONFIG}:ro`,
      ...(lab.capabilities.tls ? [`./${LAB_FILES.serverPem}:${SERVER_PEM}:ro`] : []),
    ],
    healthcheck: {
      test: ['CMD', 'bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${PORTS.http}`],
      interval: HEALTH_INTERVAL,
      startPeriod: '20s',
    },
  }),
  dataVolumes: () => [],
  why: (lab) =>
    `HAProxy receives every request for ${lab.domain} and passes it to a web server (${lab.balance}), so no single web server is the only way in and a dead one is routed around`,
  diagramLabel: (lab) => `HAProxy :${PORTS.http}<br/>balance ${lab.balance}`,
  onServer: { role: 'haproxy', package: 'haproxy', service: () => 'haproxy', programs: ['haproxy'] },
};
