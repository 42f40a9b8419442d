// Check replication: every replica's IO and SQL threads run; a visit written through the LB (the app writes to the
// primary) is in every replica's database within the lag budget; a replica refuses a write from the app user.
import type { DbError } from '../database/session.js';
import { flavourOf } from '../flavours/index.js';
import { APP_DB } from '../topology/lab-constants.js';
import { replicaServers } from '../topology/types.js';
import { replicaStatus } from '../replication/apply.js';
import { errantAdvice, isReplicating } from '../replication/replica-status.js';
import { CheckFailure, json, request, type Check, type PortableCheckContext } from './check.js';

/** How long a write may take to show on a replica before the check fails. */
export const LAG_BUDGET_MS = 2000;

export const replicationCheck: Check<PortableCheckContext> = {
  name: 'replication',
  guards:
    'replica threads run, no replica holds writes of its own, a write through the LB reaches every replica in time, replicas refuse app writes',
  async run({ lab, url, ca, databases, databasePorts, secrets, openSession }) {
    const replicas = replicaServers(lab).map((s) => s.name);
    const flavour = flavourOf(lab);
    const connections = await databases();
    for (const replica of replicas) {
      const status = await replicaStatus(connections[replica], flavour);
      if (!isReplicating(status)) {
        throw new CheckFailure(
          `${replica}: IO thread ${status.io_running}, SQL thread ${status.sql_running}` +
            (status.last_error ? `: ${status.last_error}` : ''),
        );
      }
    }

    // Before writing: with MariaDB's strict mode the primary's next write would stop a replica that has its own.
    for (const replica of replicas) {
      const errant = await flavour.errantTransactions(connections[replica], connections[lab.primary]);
      if (errant) throw new CheckFailure(errantAdvice(replica, lab.primary, errant, lab.name));
    }

    const written = await request(`${url}/api/visits`, { method: 'POST', ca });
    if (written.status !== 201)
      throw new CheckFailure(`POST /api/visits answered ${written.status}: ${written.body.trim().slice(0, 160)}`);
    const visit = json<{ id: number; written_by: string }>(written);
    const started = performance.now();
    const lags: string[] = [];
    for (const replica of replicas) {
      for (;;) {
        const rows = await connections[replica].query(`SELECT id FROM ${APP_DB.database}.visits WHERE id = ?`, [
          visit.id,
        ]);
        if (rows.length > 0) break;
        if (performance.now() - started > LAG_BUDGET_MS) {
          throw new CheckFailure(
            `visit ${visit.id} (written via ${visit.written_by}) not on ${replica} after ${LAG_BUDGET_MS} ms`,
          );
        }
        await new Promise((r) => setTimeout(r, 5));
      }
      lags.push(`${replica} ${(performance.now() - started).toFixed(1)} ms`);
    }

    const ports = await databasePorts();
    for (const replica of replicas) {
      const app = await openSession({
        port: ports[replica],
        user: APP_DB.user,
        password: secrets.appPassword,
        database: APP_DB.database,
      });
      try {
        // In a transaction rolled back if the write goes through: a check must not leave the replica a transaction of
        // its own (an errant GTID) that would outlive the fix.
        await app.query('START TRANSACTION');
        await app.query('INSERT INTO visits (server) VALUES (?)', ['smoke-must-be-refused']);
        await app.query('ROLLBACK');
        throw new CheckFailure(`${replica} accepted a write from the app user: it is not read-only`);
      } catch (error) {
        if (error instanceof CheckFailure) throw error;
        if ((error as DbError).code !== 'ER_OPTION_PREVENTS_STATEMENT') {
          throw new CheckFailure(
            `${replica}: the app user's write failed, but not as read-only: ${(error as Error).message}`,
          );
        }
      } finally {
        await app.end();
      }
    }
    return `visit ${visit.id} via ${visit.written_by} → on ${lags.join(', ')}; replicas refuse app writes (read-only)`;
  },
};
