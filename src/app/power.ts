// Use cases `infra fail <server>` and `infra recover <server>`: a server of a running lab off the network and back.
// A database that is not the primary comes back as a replica: infra resumes its replication, or rejoins it (an old
// primary after a failover) when it holds no write the primary lacks.
import { formatDuration } from '../log.js';
import { EXIT } from '../errors.js';
import { nameFlag, type Lab } from '../topology/types.js';
import { failServer, recoverServer } from '../ops/server-power.js';
import { replicateLab } from '../ops/databases.js';
import { requireSecrets } from '../render/secrets.js';
import { renderedLabModel, resolveLabName, runningFolder, type LabTarget } from './lab-target.js';
import type { AppEnv } from './context.js';
import type { ContainerRuntime } from '../runtime/port.js';

export async function powerCommand(
  env: AppEnv,
  action: 'fail' | 'recover',
  options: LabTarget & { server: string },
): Promise<number> {
  const { io } = env;
  const lab = await resolveLabName(options);
  const runtime = await env.connect();
  const started = performance.now();
  if (action === 'fail') {
    await failServer(runtime, lab, options.server);
    io.stderr.write(
      `${options.server} is down (every component stopped, then the server) in ${formatDuration(performance.now() - started)}.\n` +
        `  watch: infra status${nameFlag(lab)} · bring it back: infra recover ${options.server}${nameFlag(lab)}\n`,
    );
  } else {
    const components = await recoverServer(runtime, lab, options.server, { clock: env.clock });
    const took = formatDuration(performance.now() - started);
    // A web server is back in HAProxy's rotation; a load balancer is in none: keepalived gives the floating address
    // back to the preferred LB by priority, a moment later.
    io.stderr.write(
      components.includes('nginx')
        ? `${options.server} is back: healthy and in HAProxy's rotation after ${took}\n`
        : components.includes('keepalived')
          ? `${options.server} is back: healthy after ${took}; keepalived gives the floating address back by priority ` +
            `within seconds (\`infra status${nameFlag(lab)}\` shows which LB holds it)\n`
          : `${options.server} is back: healthy after ${took}\n`,
    );
    const rejoined = await rejoinReplica(env, runtime, { ...options, name: lab });
    if (rejoined) io.stderr.write(`  ${rejoined}\n`);
  }
  return EXIT.ok;
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
