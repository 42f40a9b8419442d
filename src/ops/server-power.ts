// Taking one server of a running lab off the network (every component, then the host) and bringing it back in
// order (host, then components by their kind's start rank), until healthy and, for a web server, UP again in
// HAProxy. Shared by `infra fail/recover` and the failover check.
import { StepError, UsageError } from '../errors.js';
import { KINDS } from '../kinds/index.js';
import { isHelper, isReady, type ComponentState, type ContainerRuntime, type LiveComponent } from '../runtime/port.js';
import { realClock, waitFor, type Clock } from '../wait/wait-for.js';
import { waitForBackend } from './haproxy.js';
import { nameFlag, type ComponentKind } from '../topology/types.js';

async function serverContainers(
  runtime: ContainerRuntime,
  lab: string,
  server: string,
): Promise<{ all: ComponentState[]; mine: ComponentState[] }> {
  const all = await runtime.containers(lab);
  if (all.length === 0) throw await notRunning(runtime, lab);
  const mine = all.filter((c) => c.server === server && !isHelper(c));
  if (mine.length === 0) {
    const names = [...new Set(all.filter((c) => c.component === 'host').map((c) => c.server))];
    throw new UsageError(`lab "${lab}" has no server "${server}"`, [
      `<server>: one of ${names.join(', ') || '(the lab is not running)'}`,
    ]);
  }
  return { all, mine };
}

/** The lab is not on this engine: exit 1 with that sentence, and the command for each lab that does run here. */
async function notRunning(runtime: ContainerRuntime, lab: string): Promise<StepError> {
  const running = [
    ...new Set(
      (await runtime.containers()).filter((c) => c.component === 'host' && c.state === 'running').map((c) => c.lab),
    ),
  ].sort();
  return new StepError(
    `lab "${lab}" is not running`,
    running.length
      ? `running here: ${running.map((name) => `${name} (\`--name ${name}\`)`).join(', ')}; ` +
          `or start it with \`infra up${nameFlag(lab)}\``
      : `start it with \`infra up${nameFlag(lab)}\``,
  );
}

/** Components first, the host last: stopping the host first would strand its components' network namespace. */
export async function failServer(runtime: ContainerRuntime, lab: string, server: string): Promise<void> {
  const { mine } = await serverContainers(runtime, lab, server);
  const stop = (cs: ComponentState[]) => Promise.all(cs.map((c) => runtime.stop(c.id, 5).catch(() => undefined)));
  await stop(mine.filter((c) => c.component !== 'host'));
  await stop(mine.filter((c) => c.component === 'host'));
}

/** Start rank of a live container: the host before everything, then its components as their kinds say. */
function startRank(c: ComponentState): number {
  if (c.component === 'host') return -1;
  if (isHelper(c)) return Number.MAX_SAFE_INTEGER;
  return KINDS[c.component as ComponentKind].startRank;
}

export async function recoverServer(
  runtime: ContainerRuntime,
  lab: string,
  server: string,
  options: { timeoutMs?: number; clock?: Clock } = {},
): Promise<LiveComponent[]> {
  const clock = options.clock ?? realClock;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const { all, mine } = await serverContainers(runtime, lab, server);
  for (const c of [...mine].sort((a, b) => startRank(a) - startRank(b))) {
    // A component still running holds the old namespace: restart it so it joins the host's new one.
    if (await runtime.isRunning(c.id)) await runtime.restart(c.id, 5);
    else await runtime.start(c.id);
  }

  const deadline = clock.now() + timeoutMs;
  await waitFor(
    async () => {
      const now = (await runtime.containers(lab)).filter((c) => c.server === server && c.component !== 'host');
      const pending = now.filter((c) => !isReady(c));
      const seen = pending.map((c) => `${c.server}-${c.component} ${c.state}/${c.health}`).join(', ');
      if (pending.some((c) => c.state !== 'running' || c.health === 'unhealthy')) {
        throw new StepError(`${server} did not come back healthy: ${seen}`);
      }
      return pending.length === 0 ? { done: true, value: undefined } : { done: false, seen };
    },
    { what: `${server} to be healthy`, timeoutMs, intervalMs: 100, clock },
  );
  const lb = all.find((c) => c.component === 'haproxy');
  const isWeb = mine.some((c) => c.component === 'nginx');
  if (lb && isWeb) await waitForBackend(runtime, lb.name, server, 'UP', deadline, clock);
  return mine.map((c) => c.component);
}
