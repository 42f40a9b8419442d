// Every database flavour, in one exhaustive record: adding one to FLAVOURS without a file here fails to compile.
import { type Flavour, type Lab } from '../topology/types.js';
import type { AdminGrant, DatabaseFlavour } from './flavour.js';
import { mariadb } from './mariadb.js';
import { mysql, mysql80 } from './mysql.js';

export type { DatabaseFlavour };

export const DATABASE_FLAVOURS: { [F in Flavour]: DatabaseFlavour & { name: F } } = {
  mariadb: mariadb as DatabaseFlavour & { name: 'mariadb' },
  mysql: mysql as DatabaseFlavour & { name: 'mysql' },
};

export function flavourOf(lab: Pick<Lab, 'flavour' | 'databaseVersion'>): DatabaseFlavour {
  // Real servers may run an older MySQL than the Docker lab's 8.4 (Ubuntu packages 8.0), whose statements differ.
  if (lab.flavour === 'mysql' && lab.databaseVersion === '8.0') return mysql80;
  return DATABASE_FLAVOURS[lab.flavour];
}

/** The flavour a running server reports in `SELECT VERSION()` ("11.8.3-MariaDB-…", "8.4.6"). */
export function flavourFromVersion(version: string): DatabaseFlavour {
  if (/mariadb/i.test(version)) return mariadb;
  return version.startsWith('8.0.') ? mysql80 : mysql;
}

/**
 * infra's grants in this lab: the flavour's, and in a monitored lab also the exporter's privileges with the right to
 * grant them, so that infra can make the exporter's user (and nothing more powerful) in the replication step.
 */
export function adminGrantsOf(lab: Lab): readonly AdminGrant[] {
  const flavour = flavourOf(lab);
  return lab.capabilities.monitoring
    ? [...flavour.adminGrants, { privileges: flavour.monitorPrivileges, on: '*.*', grantOption: true }]
    : flavour.adminGrants;
}
