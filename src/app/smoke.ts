// Use case `smoke` (and the last step of `up`): runs the checks against a running lab, each told as it ends, and
// returns their report (src/cli/presenters/smoke.ts writes it: terminal, JSON, JUnit XML, the exit code).
import { StepError, UsageError } from '../errors.js';
import { frontLoadBalancer, nameFlag } from '../topology/types.js';
import { floatingAddress } from '../topology/addressing.js';
import { containerLoadBalancerPair } from '../ops/floating-address.js';
import { readLabState } from '../render/write-lab.js';
import { forwardTarget, lazyDatabases } from '../ops/databases.js';
import { requireSecrets } from '../render/secrets.js';
import { runChecks, CHECK_NAMES } from '../checks/runner.js';
import { serverStates } from '../ops/haproxy.js';
import type { CheckContext, CheckResult } from '../checks/check.js';
import { smokeReport, type SmokeReport } from '../report/smoke-report.js';
import { readFaults } from '../ops/fault-record.js';
import { labContext, type AppEnv, type LabContext } from './context.js';
import { labEndpoint, monitoringUrls } from './lab-endpoint.js';
import { renderedLabModel, resolveLabName, runningFolder, type LabTarget } from './lab-target.js';

export async function runSmoke(
  context: Omit<LabContext, 'dir'>,
  options: { skip: string[]; onResult?: (result: CheckResult) => void },
): Promise<SmokeReport> {
  const { lab, runtime } = context;
  const containers = await context.containers(true);
  const lb = containers.find((c) => c.publishedPort && c.component === 'host');
  // The runtime API infra reads is the first LB's (the one holding the floating address in a redundant lab).
  const front = frontLoadBalancer(lab).name;
  const haproxy =
    containers.find((c) => c.component === 'haproxy' && c.server === front) ??
    containers.find((c) => c.component === 'haproxy');
  const dir = containers.find((c) => c.workingDir)?.workingDir;
  if (!lb?.publishedPort || !haproxy || !dir) {
    throw new StepError(
      `lab "${lab.name}" is not running (no published load balancer); start it with \`infra up${nameFlag(lab.name)}\``,
    );
  }
  const secrets = await requireSecrets(dir);
  const endpoint = await labEndpoint(lb, dir);
  const url = endpoint.url;

  const databases = lazyDatabases(() => runtime.openForward(forwardTarget(lab)), context.openSession, secrets);
  const monitor = containers.find((c) => c.publishedMonitorPort)?.publishedMonitorPort;
  const subnet = lab.capabilities.lbPair ? (await readLabState(dir))?.subnet : undefined;
  const checkContext: CheckContext = {
    lab,
    ...endpoint,
    dir,
    monitorUrl: monitor ? monitoringUrls(monitor.port, monitor.ip).prometheus_url : undefined,
    runtime,
    clock: context.clock,
    openSession: context.openSession,
    containers,
    haproxy: haproxy.name,
    backendStates: () => serverStates(runtime, haproxy.name),
    secrets,
    databasePorts: databases.ports,
    databases: databases.databases,
    pair: subnet ? containerLoadBalancerPair(runtime, containers, floatingAddress(subnet)) : undefined,
  };
  try {
    return smokeReport(lab.name, url, await runChecks(checkContext, options));
  } finally {
    await databases.close();
  }
}

/** `known`: the checks of the suite that runs (the servers' suite differs a little from the Docker lab's). */
export function parseSkip(value: string | undefined, known: string[] = CHECK_NAMES): string[] {
  const names = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0)
    throw new UsageError(`unknown check ${unknown.join(', ')}`, [`--skip: one or more of ${known.join(', ')}`]);
  return names;
}

export interface SmokeOptions extends LabTarget {
  json: boolean;
  junit?: string;
  skip: string[];
}

/** `infra smoke`: the checks on the running lab, each told as it ends; the report for the presenter. */
export async function smokeCommand(env: AppEnv, options: SmokeOptions): Promise<SmokeReport> {
  const progress = env.progress(options.json);
  const name = await resolveLabName(options);
  const runtime = await env.connect();
  // The model of the lab that runs: the one its folder was rendered from, whatever infra.yaml says now.
  const folder = await runningFolder(runtime, name);
  const lab = await renderedLabModel({ ...options, name }, folder);
  progress.note(`smoke checks on lab "${lab.name}"`);
  // A check a fault makes fail is no mystery: the faults made on purpose are said first.
  const faults = folder ? await readFaults(folder) : [];
  if (faults.length > 0) progress.note(`  with ${faults.map((f) => `${f.id} (${f.what})`).join('; ')}`);
  return runSmoke(labContext(env, runtime, lab, ''), { skip: options.skip, onResult: progress.check });
}
