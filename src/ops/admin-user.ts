// Adopts a database made before infra had its own user (labs from infra before 0.2.0): logs in as root with the
// lab's root password (those labs made root@'%') and creates `infra` with the grants today's infra uses, unlogged
// (sql_log_bin = 0), so no replica receives it and no GTID is added. A database that already has the user is left
// as it is. Part of `up`'s upgrade (src/app/upgrade.ts).
import type { SessionOpener } from '../database/session.js';
import { StepError } from '../errors.js';
import { ADMIN_USER, adminUserSql } from '../flavours/admin-user.js';
import type { AdminGrant } from '../flavours/flavour.js';
import { isAccessDenied, logIn, type AdminCredentials } from '../replication/apply.js';

export interface AdminUserOutcome {
  server: string;
  /** Whether this run created the user (false: it was there). */
  created: boolean;
}

/** Makes sure every database behind `ports` lets infra log in as its own user; says where it had to create it. */
export async function adoptAdminUser(
  open: SessionOpener,
  ports: Record<string, number>,
  credentials: AdminCredentials,
  grants: readonly AdminGrant[],
): Promise<AdminUserOutcome[]> {
  return Promise.all(
    Object.entries(ports).map(async ([server, port]) => ({
      server,
      created: await ensureUser(open, server, port, credentials, grants),
    })),
  );
}

async function ensureUser(
  open: SessionOpener,
  server: string,
  port: number,
  credentials: AdminCredentials,
  grants: readonly AdminGrant[],
): Promise<boolean> {
  const admin = { user: ADMIN_USER, password: credentials.adminPassword };
  if (await canLogIn(open, server, port, admin)) return false;
  let root;
  try {
    root = await logIn(open, server, port, { user: 'root', password: credentials.rootPassword });
  } catch (error) {
    if (!isAccessDenied(error)) throw error;
    throw new StepError(
      `${server}: cannot create infra's database user: the database refused both infra's login and root's ` +
        `(root from infra's forwarder, with INFRA_ROOT_PASSWORD from the lab folder's .env: ${(error as Error).message})`,
      "The data volume was made with other passwords than the lab folder's .env holds: restore that .env, or " +
        "start fresh with `infra down --volumes && infra up` (this deletes the lab's data).",
    );
  }
  try {
    // One session: sql_log_bin = 0 holds for the statements after it.
    for (const statement of adminUserSql(grants, credentials.adminPassword).split('\n')) await root.query(statement);
  } finally {
    await root.end().catch(() => undefined);
  }
  if (!(await canLogIn(open, server, port, admin))) {
    throw new StepError(`${server}: created infra's database user, but it still cannot log in`);
  }
  return true;
}

async function canLogIn(
  open: SessionOpener,
  server: string,
  port: number,
  login: { user: string; password: string },
): Promise<boolean> {
  try {
    await (await logIn(open, server, port, login)).end();
    return true;
  } catch (error) {
    if (isAccessDenied(error)) return false;
    throw error;
  }
}
