// What the monitored profile's exporters have in common: a process of its server that Prometheus scrapes on one
// port, started by its image's ENTRYPOINT in both image sets (the command is its flags), no files of its own, no
// data. Each exporter kind is one call of this, in its own file.
import type { ComponentKind, Server } from '../topology/types.js';
import { builtInDebianSet, DAEMON_ROLE, type KindSpec } from './kind.js';
import { EXPORTER_HEALTH_INTERVAL, monitorProbe, type KeyValue } from '../templating/service-parts.js';

/** What holds a monitoring daemon's port on a server: prometheus, prometheus-node-exporter…, cut by ss to 15 letters. */
export const PACKAGED_DAEMON_PROGRAMS = 'prometheus[-a-z]*';

export interface ExporterSpec<K extends ComponentKind> {
  kind: K;
  /** Its Debian and Ubuntu package (and service) on a real server. */
  serverPackage: string;
  port: number;
  /** KindSpec's memoryMiB: measured like the others. */
  memoryMiB: number;
  upstreamImage: string;
  flags: string[];
  environment?: KeyValue[];
  /**
   * Whether the official image can run a probe: the prom/* images have busybox's wget; an image holding the exporter
   * binary alone has nothing to probe with. The Debian images always can.
   */
  upstreamProbe: boolean;
  why: (server: Server) => string;
  diagramLabel: string;
}

export function exporterKind<K extends ComponentKind>(spec: ExporterSpec<K>): KindSpec<K> {
  return {
    kind: spec.kind,
    // monitored puts each exporter on the servers it watches.
    runsOn: [],
    memoryMiB: spec.memoryMiB,
    startRank: 5,
    listens: spec.port,
    reach: 'network',
    upstreamImage: () => spec.upstreamImage,
    builtHere: builtInDebianSet,
    buildExtras: () => [],
    files: () => [],
    sharedFiles: () => [],
    configFiles: () => [],
    service: (lab) => {
      const debian = builtInDebianSet(lab);
      return {
        command: [...spec.flags],
        environment: [...(spec.environment ?? [])],
        volumes: [],
        ...(debian || spec.upstreamProbe
          ? {
              healthcheck: {
                test: monitorProbe(debian, '/', spec.port),
                interval: EXPORTER_HEALTH_INTERVAL,
                startPeriod: '20s',
              },
            }
          : {}),
      };
    },
    dataVolumes: () => [],
    why: (_lab, server) => spec.why(server),
    diagramLabel: () => spec.diagramLabel,
    onServer: {
      role: DAEMON_ROLE,
      package: spec.serverPackage,
      service: () => spec.serverPackage,
      programs: [PACKAGED_DAEMON_PROGRAMS],
    },
  };
}
