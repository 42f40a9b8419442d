// `monitored`: Nginx's exporter on every web server, reading Nginx's stub_status on the server's loopback.
import { PORTS } from '../topology/lab-constants.js';
import { builtInDebianSet, type KindSpec } from './kind.js';
import { httpProbe } from './service.js';

export const NGINX_STATUS_PATH = '/stub_status';

export const nginxExporter: KindSpec<'nginx-exporter'> = {
  kind: 'nginx-exporter',
  startRank: 5,
  listens: PORTS.nginxExporter,
  reach: 'network',
  upstreamImage: () => 'nginx/nginx-prometheus-exporter:1.4',
  builtHere: builtInDebianSet,
  buildExtras: () => [],
  files: () => [],
  sharedFiles: () => [],
  configFiles: () => [],
  // Both image sets start the exporter itself (ENTRYPOINT): the command is its flags.
  service: (lab) => ({
    command: [
      `--nginx.scrape-uri=http://127.0.0.1:${PORTS.nginxStatus}${NGINX_STATUS_PATH}`,
      `--web.listen-address=:${PORTS.nginxExporter}`,
    ],
    environment: [],
    volumes: [],
    // The official image holds the exporter binary alone (no shell, no wget): only the Debian one is probed.
    ...(builtInDebianSet(lab)
      ? { healthcheck: { test: httpProbe('/', PORTS.nginxExporter), startPeriod: '20s' } }
      : {}),
  }),
  dataVolumes: () => [],
  why: (_lab, server) =>
    `the Nginx exporter turns ${server.name}'s Nginx status (connections, requests) into Prometheus metrics`,
  diagramLabel: () => `Nginx exporter :${PORTS.nginxExporter}`,
};
