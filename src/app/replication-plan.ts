// Use case `replication plan` (and the SQL half of `up --dry-run`): the SQL infra runs, passwords masked, without
// touching Docker or a database.
import { renderedLabModel, type LabTarget } from './lab-target.js';
import { planReplication, type ReplicationPlan } from '../replication/plan.js';

// The plan's text never shows passwords, so placeholders stand in for a lab that has none yet.
const PLACEHOLDERS = { replicationPassword: '<replication-password>', appPassword: '<app-password>' };

export async function replicationPlanOf(options: LabTarget): Promise<ReplicationPlan> {
  return planReplication(await renderedLabModel(options), PLACEHOLDERS);
}
