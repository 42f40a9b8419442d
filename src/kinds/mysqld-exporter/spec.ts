// `monitored`: the database exporter on every web server, logged in to its own server's database as a user that
// may only read status (the flavour's monitor grants), from 127.0.0.1 only.
import { EXPORTER_DB_USER, PORTS } from '../../topology/lab-constants.js';
import { exporterKind } from '../exporter.js';
import { secret } from '../../templating/service-parts.js';

export const mysqldExporter = exporterKind({
  kind: 'mysqld-exporter',
  serverPackage: 'prometheus-mysqld-exporter',
  port: PORTS.mysqldExporter,
  memoryMiB: 9,
  upstreamImage: 'prom/mysqld-exporter:v0.17.2',
  flags: [
    `--mysqld.address=127.0.0.1:${PORTS.database}`,
    `--mysqld.username=${EXPORTER_DB_USER}`,
    `--web.listen-address=:${PORTS.mysqldExporter}`,
  ],
  // The exporter reads its password from the environment, never from its command line (`ps` shows that).
  environment: [{ key: 'MYSQLD_EXPORTER_PASSWORD', value: secret('INFRA_EXPORTER_PASSWORD') }],
  upstreamProbe: true,
  why: (server) =>
    `the database exporter reports ${server.name}'s database: up or not, replication threads and lag, read-only, queries`,
  diagramLabel: `DB exporter :${PORTS.mysqldExporter}`,
});
