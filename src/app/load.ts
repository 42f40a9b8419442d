// Use case `infra load`: many visitors at once on a running lab, through its published URL, and what infra alone can
// say of it — which web server answered each request, which requests failed while a failure ran (`--during`), whether
// every acknowledged write reached every database, how many reads right after a write missed it on a replica.
// `--compare` runs the same load against one web server (the other drained in HAProxy) and against both.
import { StepError } from '../errors.js';
import { Tally } from '../load/tally.js';
import { writeLastCompare } from '../load/last-compare.js';
import { writeLiveRun } from '../load/live-run.js';
import type { FailureWindow, LoadResult, LoadRun } from '../load/result.js';
import { haproxyCommand } from '../ops/haproxy.js';
import { forwardTarget, withDatabases } from '../ops/databases.js';
import { flavourOf } from '../flavours/index.js';
import { requireSecrets } from '../render/secrets.js';
import { appliedWithin, gtidPosition } from '../replication/gtid.js';
import { generateLoad, type LoadPath } from '../runtime/load-generator.js';
import type { ContainerRuntime } from '../runtime/port.js';
import { APP_DB } from '../topology/lab-constants.js';
import { containerName, frontLoadBalancer, webServers, type Lab } from '../topology/types.js';
import type { AppEnv } from './context.js';
import { labEndpoint } from './lab-endpoint.js';
import { runningLab, type LabTarget } from './lab-target.js';

/** HAProxy's backend of web servers (haproxy.cfg). */
const WEB_BACKEND = 'web';

export interface LoadOptions extends LabTarget {
  connections: number;
  rate?: number;
  durationSeconds: number;
  path: LoadPath;
  /** An infra command run in the middle of the load (`fail web-01`), by the CLI: its exit code and output. */
  during?: { command: string; run(lab: string): Promise<{ exitCode: number; output: string }> };
  compare: boolean;
  json: boolean;
}

export async function runLoad(env: AppEnv, options: LoadOptions): Promise<LoadResult> {
  const { runtime, lab, dir } = await runningLab(env, options, ', then load it');
  const containers = await runtime.containers(lab.name);
  const lb = containers.find((c) => c.publishedPort && c.component === 'host');
  if (!lb) throw new StepError(`lab "${lab.name}" publishes no port`);
  const endpoint = await labEndpoint(lb, dir);
  const progress = env.progress(options.json);
  const servers = webServers(lab).map((s) => s.name);
  const haproxy = containerName(lab, `${frontLoadBalancer(lab).name}-haproxy`);

  const once = async (against: string[], during?: LoadOptions['during']): Promise<LoadRun> => {
    const tally = new Tally();
    progress.note(
      `  ${options.connections} connection(s)${options.rate ? ` at ${options.rate} req/s` : ''} for ` +
        `${options.durationSeconds}s on ${endpoint.url} (${options.path}), against ${against.join(' and ')}`,
    );
    let window: Promise<FailureWindow> | undefined;
    let duringAt: number | undefined;
    const startedAt = new Date(env.clock.now()).toISOString();
    // What `infra watch`'s page draws while it runs, and for half a minute after.
    const publish = (ms: number, running: boolean) => {
      const now = tally.live(ms);
      return writeLiveRun(dir, {
        started_at: startedAt,
        updated_at: new Date(env.clock.now()).toISOString(),
        running,
        connections: options.connections,
        path: options.path,
        servers: against,
        per_second: now.per_second,
        failed_per_second: now.failed_per_second,
        shares: now.shares,
        ...(during && duringAt !== undefined ? { during: { command: during.command, at_s: duringAt } } : {}),
      }).catch(() => undefined);
    };
    const durationMs = await generateLoad(
      {
        url: endpoint.url,
        ca: endpoint.ca,
        connections: options.connections,
        rate: options.rate,
        durationSeconds: options.durationSeconds,
        path: options.path,
      },
      tally,
      env.signal,
      (ms) => {
        const second = Math.round(ms / 1000);
        if (during && !window && ms >= (options.durationSeconds * 1000) / 3) {
          duringAt = Math.floor(ms / 1000);
          window = failDuring(during, lab.name, ms);
        }
        void publish(ms, true);
        if (second % 5 === 0) {
          const now = tally.live(ms);
          progress.note(`  ${String(second).padStart(3)}s  ${now.requests_per_second} req/s  ${now.failed} failed`);
        }
      },
    );
    await publish(durationMs, false);
    const report = tally.report(durationMs, {
      writes: options.path !== '/',
      readsAfterWrites: options.path === 'mix',
    });
    const done = window ? await window : undefined;
    if (done) {
      const recovered = tally.recoveredAfter(done.started_s * 1000);
      done.recovered_after_s = recovered ?? null;
      const until = recovered === undefined ? durationMs : (done.started_s + recovered + 1) * 1000;
      done.failed = tally.between(done.started_s * 1000, until).failed;
    }
    const { writes: acknowledged, ...rest } = report;
    const rows = acknowledged?.acknowledged
      ? await rowsOnEveryDatabase(env, runtime, lab, dir, tally.acknowledged)
      : Object.fromEntries(servers.map((s): [string, number | null] => [s, 0]));
    return {
      servers: against,
      report: { ...rest, ...(acknowledged ? { writes: { ...acknowledged, rows } } : {}) },
      ...(done ? { during: done } : {}),
    };
  };

  const runs: LoadRun[] = [];
  if (options.compare) {
    const [kept, ...drained] = servers;
    progress.note(`one web server: ${drained.join(', ')} drained in HAProxy for the run`);
    for (const s of drained) await haproxyCommand(runtime, haproxy, `set server ${WEB_BACKEND}/${s} state drain`);
    try {
      runs.push(await once([kept]));
    } finally {
      for (const s of drained) await haproxyCommand(runtime, haproxy, `set server ${WEB_BACKEND}/${s} state ready`);
    }
    progress.note('all web servers:');
  }
  runs.push(await once(servers, options.during));
  const result: LoadResult = {
    lab: lab.name,
    url: endpoint.url,
    connections: options.connections,
    rate: options.rate ?? null,
    path: options.path,
    runs,
  };
  if (options.compare) {
    const one = runs[0].report.requests_per_second;
    const all = runs[1].report.requests_per_second;
    result.compare = { one, all, ratio: one > 0 ? Math.round((all / one) * 100) / 100 : 0 };
    await writeLastCompare(dir, {
      at: new Date(env.clock.now()).toISOString(),
      connections: options.connections,
      path: options.path,
      servers: servers.length,
      ...result.compare,
    });
  }
  return result;
}

/** Runs the command now (`ms` into the run); the window's failures are counted once the run ends. */
async function failDuring(during: NonNullable<LoadOptions['during']>, lab: string, ms: number): Promise<FailureWindow> {
  const started = performance.now();
  const { exitCode, output } = await during.run(lab);
  return {
    command: during.command,
    exit_code: exitCode,
    output: output.trim(),
    started_s: Math.floor(ms / 1000),
    took_s: Math.round((performance.now() - started) / 100) / 10,
    failed: 0,
    recovered_after_s: null,
  };
}

/**
 * How many of the acknowledged writes each database holds, once every replica has applied the primary's position
 * (or 10 s passed): a write the primary acknowledged and a replica lacks is a finding, not a wait. A database that
 * is not running (`--during "fail web-01"`) is null: nothing can be read there.
 */
async function rowsOnEveryDatabase(
  env: AppEnv,
  runtime: ContainerRuntime,
  lab: Lab,
  dir: string,
  ids: number[],
): Promise<Record<string, number | null>> {
  const secrets = await requireSecrets(dir);
  const target = forwardTarget(lab);
  const running = new Set(
    (await runtime.containers(lab.name))
      .filter((c) => c.component === 'db' && c.state === 'running')
      .map((c) => c.server),
  );
  const rows: Record<string, number | null> = Object.fromEntries(target.servers.map((s) => [s, null]));
  const reachable = target.servers.filter((s) => running.has(s));
  if (reachable.length === 0) return rows;
  return withDatabases(
    runtime,
    env.openSession,
    { ...target, servers: reachable, credentials: secrets },
    async (connections) => {
      const flavour = flavourOf(lab);
      const primary = connections[lab.primary];
      const position = primary ? await gtidPosition(primary, flavour) : '';
      for (const [server, session] of Object.entries(connections)) {
        if (server !== lab.primary && position) await appliedWithin(session, flavour, position, 10);
        let found = 0;
        for (let i = 0; i < ids.length; i += 1000) {
          const chunk = ids.slice(i, i + 1000);
          const [row] = await session.query(
            `SELECT COUNT(*) AS n FROM \`${APP_DB.database}\`.visits WHERE id IN (${chunk.map(() => '?').join(',')})`,
            chunk,
          );
          found += Number(row?.n ?? 0);
        }
        rows[server] = found;
      }
      return rows;
    },
  );
}
