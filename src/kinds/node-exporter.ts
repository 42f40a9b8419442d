// `monitored`: Prometheus's node exporter on every server: the server's CPU, memory, disk and network.
import { PORTS } from '../topology/lab-constants.js';
import { builtInDebianSet, type KindSpec } from './kind.js';
import { monitorProbe } from './service.js';

export const nodeExporter: KindSpec<'node-exporter'> = {
  kind: 'node-exporter',
  startRank: 5,
  listens: PORTS.nodeExporter,
  reach: 'network',
  upstreamImage: () => 'prom/node-exporter:v1.9.0',
  builtHere: builtInDebianSet,
  buildExtras: () => [],
  files: () => [],
  sharedFiles: () => [],
  configFiles: () => [],
  // Both image sets start the exporter itself (ENTRYPOINT): the command is its flags.
  service: (lab) => ({
    command: [
      `--web.listen-address=:${PORTS.nodeExporter}`,
      // What a container can see of its server; the rest (hardware, systemd) is not there to read.
      '--collector.disable-defaults',
      '--collector.cpu',
      '--collector.meminfo',
      '--collector.filesystem',
      '--collector.netdev',
      '--collector.loadavg',
      '--collector.pressure',
    ],
    environment: [],
    volumes: [],
    healthcheck: { test: monitorProbe(builtInDebianSet(lab), '/', PORTS.nodeExporter), startPeriod: '20s' },
  }),
  dataVolumes: () => [],
  why: (_lab, server) =>
    `the node exporter publishes ${server.name}'s CPU, memory, disk and network figures for Prometheus to scrape`,
  diagramLabel: () => `node exporter :${PORTS.nodeExporter}`,
};
