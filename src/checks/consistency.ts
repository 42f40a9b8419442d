// Check consistency: once every replica has applied the primary's position, the lab's tables hold the same rows on
// the primary and on each replica (per-table, chunked checksums; see replication/consistency.ts). Catches drift
// that leaves replication running: a row changed on a replica with sql_log_bin=0.
import { flavourOf } from '../flavours/index.js';
import { compareTables } from '../replication/consistency.js';
import { APP_DB } from '../topology/lab-constants.js';
import { nameFlag, replicaServers } from '../topology/types.js';
import { replicaStatus } from '../replication/apply.js';
import { isReplicating } from '../replication/replica-status.js';
import { CheckFailure, CheckSkipped, type Check, type PortableCheckContext } from './check.js';

export const consistency: Check<PortableCheckContext> = {
  name: 'consistency',
  guards: "every replica's tables hold the primary's rows (chunked checksums, as pt-table-checksum)",
  async run({ lab, databases }) {
    const connections = await databases();
    const flavour = flavourOf(lab);
    for (const replica of replicaServers(lab)) {
      // A replica that does not replicate cannot catch up: that is the replication check's finding, not drift.
      if (!isReplicating(await replicaStatus(connections[replica.name], flavour))) {
        throw new CheckSkipped(`${replica.name} is not replicating (see the replication check)`);
      }
    }
    const seen: string[] = [];
    for (const replica of replicaServers(lab)) {
      const report = await compareTables(connections[lab.primary], connections[replica.name], flavour, APP_DB.database);
      if (!report.consistent) {
        throw new CheckFailure(
          `${replica.name} differs from ${lab.primary}: ${report.differences.join('; ')}. ` +
            `Something wrote on ${replica.name} outside replication; rebuild it: ` +
            `\`infra down${nameFlag(lab.name)} --volumes && infra up${nameFlag(lab.name)}\``,
        );
      }
      seen.push(replica.name);
    }
    return `${seen.join(', ')} hold${seen.length === 1 ? 's' : ''} the same rows as ${lab.primary} in every table of ${APP_DB.database}`;
  },
};
