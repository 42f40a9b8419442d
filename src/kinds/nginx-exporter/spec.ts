// `monitored`: Nginx's exporter on every web server, reading Nginx's stub_status on the server's loopback.
import { PORTS } from '../../topology/lab-constants.js';
import { exporterKind } from '../exporter.js';

export const NGINX_STATUS_PATH = '/stub_status';

export const nginxExporter = exporterKind({
  kind: 'nginx-exporter',
  serverPackage: 'prometheus-nginx-exporter',
  port: PORTS.nginxExporter,
  memoryMiB: 7,
  upstreamImage: 'nginx/nginx-prometheus-exporter:1.4',
  flags: [
    `--nginx.scrape-uri=http://127.0.0.1:${PORTS.nginxStatus}${NGINX_STATUS_PATH}`,
    `--web.listen-address=:${PORTS.nginxExporter}`,
  ],
  // The official image holds the exporter binary alone (no shell, no wget).
  upstreamProbe: false,
  why: (server) =>
    `the Nginx exporter turns ${server.name}'s Nginx status (connections, requests) into Prometheus metrics`,
  diagramLabel: `Nginx exporter :${PORTS.nginxExporter}`,
});
