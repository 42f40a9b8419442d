// Use cases `infra fail <server>` and `infra recover <server>`: a server of a running lab off the network and back.
// A database that is not the primary comes back as a replica: infra resumes its replication, or rejoins it (an old
// primary after a failover) when it holds no write the primary lacks.
import type { Lab } from '../topology/types.js';
import { failServer, recoverServer } from '../ops/server-power.js';
import { replicateLab } from '../ops/databases.js';
import { requireSecrets } from '../render/secrets.js';
import { renderedLabModel, resolveLabName, runningFolder, type LabTarget } from './lab-target.js';
import type { AppEnv } from './context.js';
import { healFaultsOn } from './fault.js';
import type { ContainerRuntime } from '../runtime/port.js';

/** What fail or recover did: on which server, how long it took, and for recover what came back and rejoined. */
export interface PowerResult {
  action: 'fail' | 'recover';
  lab: string;
  server: string;
  ms: number;
  /** recover: the kinds of the components started again. */
  components: string[];
  /** recover: how the server's database replicates again, when it is not the primary. */
  rejoined?: string;
  /** recover: the faults on the server that were healed with it. */
  healed?: string[];
}

export async function powerServer(
  env: AppEnv,
  action: 'fail' | 'recover',
  options: LabTarget & { server: string },
): Promise<PowerResult> {
  const lab = await resolveLabName(options);
  const runtime = await env.connect();
  const started = performance.now();
  if (action === 'fail') {
    await failServer(runtime, lab, options.server);
    return { action, lab, server: options.server, ms: performance.now() - started, components: [] };
  }
  // A recovered server is as infra made it: no fault of `infra fault` left on it. Frozen processes run again
  // first (they could not become healthy); the rest once it runs (a lagging replica's database must answer).
  const thawed = await healFaultsOn(env, { ...options, name: lab }, [options.server], ['hang']);
  const components = await recoverServer(runtime, lab, options.server, { clock: env.clock });
  const ms = performance.now() - started;
  const rest = await healFaultsOn(env, { ...options, name: lab }, [options.server]);
  const healed = [...thawed, ...rest].map((f) => f.id);
  const rejoined = await rejoinReplica(env, runtime, { ...options, name: lab });
  return { action, lab, server: options.server, ms, components, rejoined, ...(healed.length ? { healed } : {}) };
}

/** A recovered replica (or old primary) replicating again; the sentence that says how, or undefined. */
async function rejoinReplica(
  env: AppEnv,
  runtime: ContainerRuntime,
  options: LabTarget & { server: string; name: string },
): Promise<string | undefined> {
  const folder = await runningFolder(runtime, options.name);
  if (!folder) return undefined;
  const lab: Lab = await renderedLabModel(options, folder);
  const server = lab.servers.find((s) => s.name === options.server);
  if (!server?.database || server.name === lab.primary) return undefined;
  const outcomes = await replicateLab(runtime, env.openSession, lab, await requireSecrets(folder));
  const mine = outcomes.find((o) => o.server === server.name);
  return mine ? `replication ${mine.action}: ${server.name} replicates from ${lab.primary} again` : undefined;
}
