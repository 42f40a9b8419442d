// `monitored`: Prometheus's node exporter on every server: the server's CPU, memory, disk and network.
import { PORTS } from '../../topology/lab-constants.js';
import { exporterKind } from '../exporter.js';

export const nodeExporter = exporterKind({
  kind: 'node-exporter',
  serverPackage: 'prometheus-node-exporter',
  port: PORTS.nodeExporter,
  memoryMiB: 7,
  upstreamImage: 'prom/node-exporter:v1.9.0',
  flags: [
    `--web.listen-address=:${PORTS.nodeExporter}`,
    // What a container can see of its server; the rest (hardware, systemd) is not there to read.
    '--collector.disable-defaults',
    '--collector.cpu',
    '--collector.meminfo',
    '--collector.filesystem',
    '--collector.netdev',
    // Each interface's addresses: which load balancer holds the floating address (`redundant`: alerts, the page).
    '--collector.netdev.address-info',
    '--collector.loadavg',
    '--collector.pressure',
  ],
  upstreamProbe: true,
  why: (server) =>
    `the node exporter publishes ${server.name}'s CPU, memory, disk and network figures for Prometheus to scrape`,
  diagramLabel: `node exporter :${PORTS.nodeExporter}`,
});
