// `monitored` on real servers: the exporters and Prometheus run as the distributions' packages, each started by its
// own service with its flags in /etc/default/<service> (ARGS), the same flags as the Docker lab's containers, except
// where a server differs: each listens on the server's private address only, the database exporter reads its login
// from a file, and Prometheus keeps its data where Debian's package does.
import { KINDS } from '../kinds/index.js';
import { DAEMON_ROLE } from '../kinds/kind.js';
import type { LabSite } from '../topology/addressing.js';
import type { ComponentKind, Lab, Server } from '../topology/types.js';

/** The file the database exporter logs in with (user, password, its own server's database). */
export const EXPORTER_LOGIN = '/etc/infra/mysqld-exporter.cnf';
const PROMETHEUS_DATA = '/var/lib/prometheus/metrics2';

/** The service each kind runs as on a server, as infra deploy's roles install it (status asks these). */
export function serverService(lab: Lab, kind: ComponentKind): string {
  return KINDS[kind].onServer?.service(lab) ?? kind;
}

export interface ServerDaemon {
  package: string;
  /** Its service, and /etc/default/<service> holds its flags. */
  service: string;
  args: string;
  /** What else restarts it when changed: its login file, or Prometheus's configuration. */
  restartOn?: 'login' | 'files';
}

export function serverDaemons(lab: Lab, server: Server, address: string, site: LabSite): ServerDaemon[] {
  return server.components.flatMap((component) => {
    const facet = KINDS[component.kind].onServer;
    if (facet?.role !== DAEMON_ROLE || !facet.package) return [];
    const pkg = facet.package;
    const flags = (KINDS[component.kind].service(lab, server, component, site).command ?? [])
      .map((flag) => flag.replace(/^--web\.listen-address=:/, `--web.listen-address=${address}:`))
      .map((flag) => flag.replace(/^--storage\.tsdb\.path=.*/, `--storage.tsdb.path=${PROMETHEUS_DATA}`))
      // Older exporters (Debian 12's 0.14) lack --mysqld.*: a login file works with every version.
      .filter((flag) => !flag.startsWith('--mysqld.'));
    const login = component.kind === 'mysqld-exporter';
    return [
      {
        package: pkg,
        service: pkg,
        args: [...(login ? [`--config.my-cnf=${EXPORTER_LOGIN}`] : []), ...flags].join(' '),
        ...(login
          ? { restartOn: 'login' as const }
          : component.kind === 'prometheus'
            ? { restartOn: 'files' as const }
            : {}),
      },
    ];
  });
}
