// The web server: Nginx serves the application files itself and passes /api/ to the application server.
import { file } from '../../templating/rendered-file.js';
import { PORTS } from '../../topology/lab-constants.js';
import { builtInDebianSet, kindTemplates, type KindSpec } from '../kind.js';
import { NGINX_STATUS_PATH } from '../nginx-exporter/spec.js';
import { HEALTH_INTERVAL, httpProbe } from '../../templating/service-parts.js';

/** Its templates, in its folder: src/kinds/nginx/. */
const render = kindTemplates('nginx');

const CONFIG = '/etc/infra/nginx.conf';
const STATIC_DIR = '/srv/www';

export const nginx: KindSpec<'nginx'> = {
  kind: 'nginx',
  runsOn: ['web'],
  memoryMiB: 3,
  startRank: 2,
  listens: PORTS.http,
  reach: 'network',
  upstreamImage: () => 'nginx:1.26',
  builtHere: builtInDebianSet,
  buildExtras: () => [],
  files: (lab, server, site) => [
    file(
      `${server.name}/nginx.conf`,
      render('nginx.conf', {
        lab: lab.name,
        server: server.name,
        domain: lab.domain,
        onServer: site.realServers !== undefined,
        tlsAtLoadBalancer: lab.capabilities.tls,
        statusPort: lab.capabilities.monitoring ? PORTS.nginxStatus : undefined,
        statusPath: NGINX_STATUS_PATH,
      }),
    ),
  ],
  sharedFiles: () => [],
  // Nginx reads app/public on every request, so the static files need no restart.
  configFiles: (_lab, server) => [`${server.name}/nginx.conf`],
  service: (_lab, server) => ({
    command: ['nginx', '-c', CONFIG, '-g', 'daemon off;'],
    environment: [],
    volumes: [`./${server.name}/nginx.conf:${CONFIG}:ro`, `./app/public:${STATIC_DIR}:ro`],
    healthcheck: { test: httpProbe('/health', PORTS.http), interval: HEALTH_INTERVAL, startPeriod: '20s' },
  }),
  dataVolumes: () => [],
  why: () =>
    `Nginx serves the application files (the static pages) itself and passes /api/ requests to the application server on 127.0.0.1:${PORTS.app}`,
  diagramLabel: () => `Nginx :${PORTS.http}<br/>files + /api/ proxy`,
  onServer: { role: 'nginx', package: 'nginx', service: () => 'nginx', programs: ['nginx'] },
};
