// infra's own database user, created by every server at initialisation with the grants its flavour lists: the
// statements (for infra's Debian entrypoint) and the init script the official images run from
// /docker-entrypoint-initdb.d (their entrypoints provide docker_process_sql, which talks to the init server).
import type { AdminGrant } from './flavour.js';

export const ADMIN_USER = 'infra';

/** The lab folder's init scripts, mounted where the official images look for them. */
export const OFFICIAL_INIT_DIR = 'db-init';
export const OFFICIAL_INIT_MOUNT = `./${OFFICIAL_INIT_DIR}:/docker-entrypoint-initdb.d:ro`;

/** The SQL that creates infra's user; the password is whatever `passwordExpression` expands to in a shell. */
export function adminUserSql(grants: readonly AdminGrant[], passwordExpression: string): string {
  return [
    // Each server makes its own admin user: nothing of it may replicate, or replicas would start with GTIDs.
    'SET SESSION sql_log_bin = 0;',
    `CREATE USER IF NOT EXISTS '${ADMIN_USER}'@'%' IDENTIFIED BY '${passwordExpression}';`,
    ...grants.map(
      (g) => `GRANT ${g.privileges} ON ${g.on} TO '${ADMIN_USER}'@'%'${g.grantOption ? ' WITH GRANT OPTION' : ''};`,
    ),
  ].join('\n');
}

/** The official images' init script: run once, by their entrypoint, on an empty datadir. */
export function officialInitScript(grants: readonly AdminGrant[]): string {
  return [
    '#!/bin/sh',
    "# infra's own database user, made by the official image's entrypoint on a new datadir. Rendered by infra.",
    ': "${INFRA_ADMIN_PASSWORD:?INFRA_ADMIN_PASSWORD must be set (infra renders it into the lab\'s .env)}"',
    'docker_process_sql <<SQL',
    adminUserSql(grants, '${INFRA_ADMIN_PASSWORD}'),
    'SQL',
    '',
  ].join('\n');
}
