// Reads the live replication state of a running lab for `status`: the primary's GTID position and, per replica, its
// threads, lag, last error (with what to do) and GTID positions. Needs only labels and the lab folder (its .env, and
// which server is the primary now).
import type { SessionOpener } from '../database/session.js';
import type { ComponentState, ContainerRuntime } from '../runtime/port.js';
import { readSecrets } from '../render/secrets.js';
import { readLabState } from '../render/write-lab.js';
import { recordedPrimary } from './lab-target.js';
import { isReadOnly, replicaStatus } from '../replication/apply.js';
import {
  adviceFor,
  classifyError,
  divergedAdvice,
  errantAdvice,
  isReplicating,
} from '../replication/replica-status.js';
import { labNetwork, nameFlag } from '../topology/types.js';
import { APP_DB } from '../topology/lab-constants.js';
import { compareTables } from '../replication/consistency.js';
import { gtidPosition } from '../replication/gtid.js';
import { detectFlavour, forwardImage, withDatabases } from '../ops/databases.js';
import type { ReplicationState } from '../replication/replica-status.js';

export type { ReplicationState };

export async function readReplicationState(
  runtime: ContainerRuntime,
  openSession: SessionOpener,
  lab: string,
  containers: ComponentState[],
  options: { verify?: boolean } = {},
): Promise<ReplicationState> {
  const dbs = containers.filter((c) => c.component === 'db');
  const empty = { primary: null, replicas: [], healthy: false };
  const dir = containers.find((c) => c.workingDir)?.workingDir;
  const state = dir ? await readLabState(dir) : undefined;
  const primaryName = state ? recordedPrimary(state) : undefined;
  const primary = dbs.find((c) => c.server === primaryName);
  const replicas = dbs.filter((c) => c !== primary);
  if (!state) return { ...empty, error: `cannot read the lab folder's state (${dir ?? 'no folder recorded'})` };
  if (!primary || primary.state !== 'running') {
    const replica = replicas.find((c) => c.state === 'running')?.server ?? '<replica>';
    const flag = nameFlag(lab);
    return {
      ...empty,
      error:
        `the primary's database (${primaryName}) is not running: nothing can be written. Bring it back with ` +
        `\`infra recover ${primaryName}${flag}\`, or make a replica the primary without it: ` +
        `\`infra promote ${replica} --force${flag}\``,
    };
  }
  // A replica that is down is a finding of its own; the others are read as usual.
  const down = replicas.filter((c) => c.state !== 'running');
  const running = replicas.filter((c) => c.state === 'running');
  const secrets = dir ? await readSecrets(dir) : undefined;
  if (!secrets) return { ...empty, error: `cannot read the lab's passwords (.env in ${dir ?? 'the lab folder'})` };

  try {
    const target = {
      lab,
      network: labNetwork(lab),
      image: await forwardImage(runtime),
      servers: [primary, ...running].map((c) => c.server),
      credentials: secrets,
      // status reports what is, now: a database that does not answer is a finding, not something to wait for.
      connectDeadlineMs: 2000,
    };
    return await withDatabases(runtime, openSession, target, async (connections) => {
      const flavour = await detectFlavour(connections[primary.server]);
      const position = await gtidPosition(connections[primary.server], flavour);
      const state: ReplicationState = {
        primary: { server: primary.server, gtid_position: position || null },
        replicas: [],
        healthy: true,
      };
      for (const r of running) {
        const connection = connections[r.server];
        const status = await replicaStatus(connection, flavour);
        const errant = await flavour.errantTransactions(connection, connections[primary.server]);
        const problem = classifyError(status);
        // Not a replica and holding writes of its own: an old primary that came back after a failover.
        const diverged = !status.configured && errant !== null;
        const advice =
          adviceFor(status, r.server, primary.server, lab) ??
          (errant ? (diverged ? divergedAdvice : errantAdvice)(r.server, primary.server, errant, lab) : undefined);
        state.replicas.push({
          server: r.server,
          io_running: status.io_running,
          sql_running: status.sql_running,
          lag_seconds: status.lag_seconds,
          last_error: diverged
            ? `left out of replication: it holds writes ${primary.server} never had`
            : !status.configured
              ? 'not configured as a replica yet (run `infra up`)'
              : (status.last_error ??
                (isReplicating(status)
                  ? null
                  : 'replica threads stopped without an error (stopped by hand?); `infra up` starts them')),
          ...(problem ? { problem } : {}),
          ...(advice ? { advice } : {}),
          errant,
          gtid_retrieved: status.gtid_retrieved,
          gtid_executed: status.gtid_executed,
          read_only: await isReadOnly(connection, flavour),
        });
        if (options.verify && isReplicating(status)) {
          const report = await compareTables(connections[primary.server], connection, flavour, APP_DB.database);
          Object.assign(state.replicas[state.replicas.length - 1], {
            consistent: report.consistent,
            differences: report.differences,
            compared: report.compared,
          });
          if (!report.consistent) state.healthy = false;
        }
        if (!isReplicating(status) || errant) state.healthy = false;
      }
      for (const r of down) {
        state.replicas.push({
          server: r.server,
          io_running: 'No',
          sql_running: 'No',
          lag_seconds: null,
          last_error: `its database is not running (${r.state})`,
          advice: `Bring it back: \`infra recover ${r.server}${nameFlag(lab)}\` (it resumes replicating, or rejoins).`,
          gtid_retrieved: null,
          gtid_executed: null,
          read_only: false,
          down: true,
        });
        state.healthy = false;
      }
      return state;
    });
  } catch (error) {
    return { ...empty, error: (error as Error).message };
  }
}
