// Use case `replication plan` (and the SQL half of `up --dry-run`): prints the SQL infra runs, passwords masked,
// without touching Docker or a database.
import type { Io } from '../log.js';
import { renderedLabModel, type LabTarget } from './lab-target.js';
import { formatPlan, planReplication } from '../replication/plan.js';

// The plan's text never shows passwords, so placeholders stand in for a lab that has none yet.
const PLACEHOLDERS = { replicationPassword: '<replication-password>', appPassword: '<app-password>' };

export async function replicationPlanCommand(io: Io, options: LabTarget): Promise<number> {
  const lab = await renderedLabModel(options);
  io.stdout.write(formatPlan(planReplication(lab, PLACEHOLDERS)));
  return 0;
}
