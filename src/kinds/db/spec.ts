// The database: MariaDB or MySQL (the flavour decides image, config mount, health check and SQL), primary on the
// lab's primary server, a replica on every other web server, its data in a named volume.
import { adminGrantsOf, flavourOf } from '../../flavours/index.js';
import { adminUserSql, OFFICIAL_INIT_DIR, officialInitScript } from '../../flavours/admin-user.js';
import { file } from '../../templating/rendered-file.js';
import { PORTS } from '../../topology/lab-constants.js';
import type { Component } from '../../topology/types.js';
import { builtInDebianSet, kindTemplates, type KindSpec } from '../kind.js';

/** Its templates, in its folder: src/kinds/db/. */
const render = kindTemplates('db');

const dataVolume = (component: Component) => `${component.name}-data`;

export const db: KindSpec<'db'> = {
  kind: 'db',
  runsOn: ['web'],
  memoryMiB: 70,
  startRank: 0,
  listens: PORTS.database,
  reach: 'network',
  upstreamImage: (lab) => flavourOf(lab).upstreamImage,
  builtHere: (lab) => builtInDebianSet(lab) && flavourOf(lab).debianPackaged,
  buildExtras: (lab) => [
    {
      name: 'entrypoint.sh',
      mode: 0o755,
      view: { adminSql: adminUserSql(adminGrantsOf(lab), '${INFRA_ADMIN_PASSWORD}') },
    },
  ],
  files: (lab, server, site) => {
    const database = server.database;
    if (!database) throw new Error(`${server.name} has no database`);
    const real = site.realServers?.[server.name];
    return [
      file(
        `${server.name}/my.cnf`,
        render(flavourOf(lab).myCnfTemplate, {
          lab: lab.name,
          server: server.name,
          serverId: database.serverId,
          title: real?.database?.title ?? flavourOf(lab).title,
          // A real server's app reaches it on 127.0.0.1, the other servers on its private address: nothing else.
          bindAddress: real ? `127.0.0.1,${real.facts.address}` : undefined,
        }),
      ),
    ];
  },
  // The official images make infra's user from an init script; infra's own image does it in its entrypoint.
  sharedFiles: (lab) =>
    db.builtHere(lab)
      ? []
      : // Not executable: the official entrypoints source a .sh that is not, so it can use their docker_process_sql.
        [file(`${OFFICIAL_INIT_DIR}/10-infra-admin.sh`, officialInitScript(adminGrantsOf(lab)))],
  configFiles: (_lab, server) => [`${server.name}/my.cnf`],
  service: (lab, server, component) =>
    flavourOf(lab).service(lab.imageSet, server.name, `${dataVolume(component)}:/var/lib/mysql`),
  dataVolumes: (component) => [dataVolume(component)],
  why: (lab, server) =>
    server.database?.role === 'primary'
      ? `the ${flavourOf(lab).title} primary keeps the data and takes every write; its changes are replicated to the other web servers`
      : `a ${flavourOf(lab).title} replica: a read-only copy of the primary's data, kept current by GTID replication, serving this server's reads`,
  diagramLabel: (lab, server) => `${flavourOf(lab).title} :${PORTS.database}<br/>${server.database?.role}`,
  // Either flavour's server may hold the port; its package is the release's (platform.ts's serverDatabase).
  onServer: {
    role: 'db',
    service: (lab) => flavourOf(lab).serverPackage.service,
    programs: ['mariadbd', 'mysqld'],
  },
};
