// `infra fail <server>` and `infra recover <server>`: take one server of a running lab off the network (every
// component, then the host) and bring it back in order (host, then components), waiting until it is healthy and, for
// a web server, UP again in HAProxy.
import type { Io } from '../log.js';
import { formatDuration } from '../log.js';
import { EXIT, StepError, UsageError } from '../errors.js';
import { connectRuntime, type Runtime } from '../runtime/docker.js';
import { isReady, labContainers, type ComponentState } from '../runtime/containers.js';
import { serverStates } from '../runtime/haproxy-api.js';
import { resolveLabName } from './lab-name.js';
import { waitFor } from '../wait/wait-for.js';

/** Start order inside a server: data first, then what depends on it. */
const START_ORDER = ['db', 'app', 'nginx', 'haproxy'];

async function serverContainers(
  runtime: Runtime,
  lab: string,
  server: string,
): Promise<{ all: ComponentState[]; mine: ComponentState[] }> {
  const all = await labContainers(runtime.docker, lab);
  const mine = all.filter((c) => c.server === server && c.component !== 'forward');
  if (mine.length === 0) {
    const names = [...new Set(all.filter((c) => c.component === 'host').map((c) => c.server))];
    throw new UsageError(`lab "${lab}" has no server "${server}"`, [
      `<server>: one of ${names.join(', ') || '(the lab is not running)'}`,
    ]);
  }
  return { all, mine };
}

export async function failServer(runtime: Runtime, lab: string, server: string): Promise<void> {
  const { mine } = await serverContainers(runtime, lab, server);
  const stop = (cs: ComponentState[]) =>
    Promise.all(
      cs.map((c) =>
        runtime.docker
          .getContainer(c.id)
          .stop({ t: 5 })
          .catch(() => undefined),
      ),
    );
  await stop(mine.filter((c) => c.component !== 'host'));
  await stop(mine.filter((c) => c.component === 'host'));
}

export async function recoverServer(runtime: Runtime, lab: string, server: string, timeoutMs = 60_000): Promise<void> {
  const { all, mine } = await serverContainers(runtime, lab, server);
  const start = async (c: ComponentState) => {
    const container = runtime.docker.getContainer(c.id);
    // A component still running holds the old namespace: restart it so it joins the host's new one.
    if ((await container.inspect()).State.Running) await container.restart({ t: 5 });
    else await container.start();
  };
  const host = mine.find((c) => c.component === 'host');
  if (host) await start(host);
  for (const kind of START_ORDER) for (const c of mine.filter((m) => m.component === kind)) await start(c);

  const deadline = Date.now() + timeoutMs;
  await waitFor(
    async () => {
      const now = (await labContainers(runtime.docker, lab)).filter(
        (c) => c.server === server && c.component !== 'host',
      );
      const pending = now.filter((c) => !isReady(c));
      const seen = pending.map((c) => `${c.server}-${c.component} ${c.state}/${c.health}`).join(', ');
      if (pending.some((c) => c.state !== 'running' || c.health === 'unhealthy')) {
        throw new StepError(`${server} did not come back healthy: ${seen}`);
      }
      return pending.length === 0 ? { done: true, value: undefined } : { done: false, seen };
    },
    { what: `${server} to be healthy`, timeoutMs, intervalMs: 100 },
  );
  const lb = all.find((c) => c.component === 'haproxy');
  const isWeb = mine.some((c) => c.component === 'nginx');
  if (lb && isWeb) await waitForBackend(lb.name, server, 'UP', deadline);
}

/** Polls HAProxy until `server` reaches `state` (UP, DOWN); returns how long it took. */
export async function waitForBackend(
  haproxyContainer: string,
  server: string,
  state: 'UP' | 'DOWN',
  deadline: number,
): Promise<number> {
  const started = Date.now();
  await waitFor(
    async () => {
      const seen = (await serverStates(haproxyContainer))[server] ?? 'absent';
      return seen === state ? { done: true, value: undefined } : { done: false, seen };
    },
    { what: `HAProxy to mark ${server} ${state}`, timeoutMs: Math.max(0, deadline - started), intervalMs: 100 },
  );
  return Date.now() - started;
}

export async function powerCommand(
  io: Io,
  action: 'fail' | 'recover',
  options: { cwd: string; config?: string; name?: string; server: string },
): Promise<number> {
  const lab = await resolveLabName(options.cwd, options.config, options.name);
  const runtime = await connectRuntime();
  const started = performance.now();
  if (action === 'fail') {
    await failServer(runtime, lab, options.server);
    io.stderr.write(
      `${options.server} is down (every component stopped, then the server) in ${formatDuration(performance.now() - started)}.\n` +
        `  watch: infra status · bring it back: infra recover ${options.server}\n`,
    );
  } else {
    await recoverServer(runtime, lab, options.server);
    io.stderr.write(
      `${options.server} is back: healthy and in HAProxy's rotation after ${formatDuration(performance.now() - started)}\n`,
    );
  }
  return EXIT.ok;
}
