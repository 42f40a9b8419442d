// Use case `infra deploy --inventory FILE`: the lab on real servers. Reads the inventory and each server's release
// (Ansible facts), renders the Ansible project into the lab folder, runs ansible-playbook (or, with --check, shows
// its diff and changes nothing), then applies the same GTID replication plan as `up` through SSH tunnels.
import path from 'node:path';
import { StepError, tail } from '../errors.js';
import { flavourOf } from '../flavours/index.js';
import { formatDuration } from '../log.js';
import { REPLICATION_TIMEOUT_MS, withForwarded } from '../ops/databases.js';
import { applyReplication, type ReplicaOutcome } from '../replication/apply.js';
import { requireSecrets, type LabSecrets } from '../render/secrets.js';
import type { Progress } from '../report/progress.js';
import type { StepRecord } from '../report/steps.js';
import { webServers, type Lab } from '../topology/types.js';
import { readFacts, runPlaybook, type HostRecap, type HostVars } from '../runtime/ansible.js';
import { ANSIBLE_CONFIG_TEMPLATE, ANSIBLE_DIR, renderAnsibleProject } from '../targets/ansible-project.js';
import { FIREWALL_ROLLBACK_S } from '../targets/firewall-rollback.js';
import { requireAppRuntime, serverDatabase, type RealServer } from '../targets/platform.js';
import { assumedFactsOf, FACT_NAMES, hostFactsOf } from '../targets/targets.js';
import { requireFloatingAddress } from '../targets/floating-address.js';
import type { AppEnv } from './context.js';
import { lockLab } from './lab-lock.js';
import { renderLabFolder, type RenderOptions, type RenderTarget } from './render.js';
import { labServers, openDatabaseTunnels, TARGETS_INVENTORY } from './lab-servers.js';
import { file } from '../templating/rendered-file.js';

export interface DeployOptions extends RenderOptions {
  /** An inventory file; absent: infra.yaml's targets. */
  inventory?: string;
  check: boolean;
  /** Render the Ansible project for review and stop: no server is contacted (their facts are assumed). */
  renderOnly?: boolean;
  json: boolean;
}

/** The environment ansible-playbook runs with: the passwords its lookups read, never its command line or a file. */
export function playbookEnv(secrets: LabSecrets): Record<string, string> {
  return {
    INFRA_ADMIN_PASSWORD: secrets.adminPassword,
    INFRA_APP_PASSWORD: secrets.appPassword,
    INFRA_EXPORTER_PASSWORD: secrets.exporterPassword,
  };
}

/** The lab's servers as the inventory has them, and what infra read from each. */
export interface Deployment {
  lab: Lab;
  dir: string;
  target: RenderTarget;
  /** The inventory the playbook reads (infra.yaml's targets: the one rendered into the lab folder). */
  inventory: string;
  targetsInventory?: string;
  hosts: Record<string, HostVars>;
  servers: Record<string, RealServer>;
  /** `redundant`: the LB pair's floating address, checked against the LBs' network. */
  floatingAddress?: { address: string; prefix: number };
}

/** Inventory → every server present → each server's facts → what it runs; nothing rendered or changed yet. */
export async function readDeployment(options: DeployOptions, note: (d: string) => void): Promise<Deployment> {
  // --render-only reaches no server: what they run is assumed (the inventory may say otherwise), not read.
  const named = await labServers(
    options,
    'deploy',
    options.renderOnly
      ? undefined
      : (inventory, servers) => readFacts(options.cwd, inventory, servers, FACT_NAMES, ANSIBLE_CONFIG_TEMPLATE),
  );
  await named.release();
  const { target, hosts, targetsInventory } = named;
  const names = Object.keys(hosts);
  const facts = named.alongside ?? {};
  const webs = new Set(webServers(named.lab).map((s) => s.name));
  const servers: Record<string, RealServer> = {};
  for (const name of names) {
    const read = options.renderOnly
      ? assumedFactsOf(name, hosts[name])
      : hostFactsOf(name, facts[name] ?? {}, hosts[name]);
    if (webs.has(name)) requireAppRuntime(read);
    const database = webs.has(name) ? serverDatabase(flavourOf(named.lab), read) : undefined;
    servers[name] = { facts: read, database };
  }
  const versions = new Set(Object.values(servers).flatMap((s) => (s.database ? [s.database.title] : [])));
  if (versions.size > 1) {
    throw new StepError(
      `the web servers would run different database servers (${[...versions].join(', ')}); replication needs one`,
      'Give every web server the same release.',
    );
  }
  const databaseVersion = Object.values(servers).find((s) => s.database)?.database?.version;
  const lab: Lab = { ...named.lab, databaseVersion };
  const floatingAddress = named.floatingAddress && requireFloatingAddress(lab, named.floatingAddress, servers);
  note(
    names.map((n) => `${n} ${servers[n].facts.distribution} ${servers[n].facts.release}`).join(', ') +
      (floatingAddress ? `; floating address ${floatingAddress.address}/${floatingAddress.prefix}` : ''),
  );
  const inventory = targetsInventory ? path.join(target.dir, TARGETS_INVENTORY) : named.inventory;
  return { lab, dir: target.dir, target, inventory, targetsInventory, hosts, servers, floatingAddress };
}

export interface DeployOutcome {
  check: boolean;
  servers: Record<string, HostRecap>;
  changed: number;
  replication?: ReplicaOutcome[];
}

/** What `deploy` did: the project rendered for review (--render-only), or the deploy (or check) and its steps. */
export type DeployResult =
  | { kind: 'rendered'; lab: string; dir: string; project: string; servers: Record<string, RealServer> }
  | { kind: 'deployed'; lab: string; dir: string; outcome: DeployOutcome; steps: StepRecord[]; seconds: number };

export async function deployCommand(env: AppEnv, options: DeployOptions): Promise<DeployResult> {
  const progress = env.progress(options.json);
  const started = performance.now();
  const deployment = await progress.step(options.renderOnly ? 'read the inventory' : 'read the servers', (note) =>
    readDeployment(options, note),
  );
  const { lab, dir } = deployment;
  const release = await lockLab(dir, lab.name, 'infra deploy');
  let outcome: DeployOutcome;
  try {
    if (options.renderOnly) {
      await renderProject(options, deployment, progress);
      const project = path.join(dir, ANSIBLE_DIR);
      return { kind: 'rendered', lab: lab.name, dir, project, servers: deployment.servers };
    }
    outcome = await deploy(env, options, deployment, progress);
  } finally {
    await release();
  }
  const seconds = Number(((performance.now() - started) / 1000).toFixed(1));
  return { kind: 'deployed', lab: lab.name, dir, outcome, steps: progress.records, seconds };
}

/** The lab folder's ansible/ (and the Docker files beside it), for the servers as read or assumed. */
async function renderProject(
  options: DeployOptions,
  { lab, dir, target, targetsInventory, servers, floatingAddress }: Deployment,
  progress: Progress,
): Promise<void> {
  await progress.step('render the Ansible project', async (note) => {
    const result = await renderLabFolder(
      {
        ...options,
        keepEdits: true,
        serverFiles: [
          ...renderAnsibleProject(lab, servers, floatingAddress),
          ...(targetsInventory ? [file(TARGETS_INVENTORY, targetsInventory)] : []),
        ],
      },
      // The lab folder's Docker files from the Docker lab's model (the edge kept), for the servers' release.
      { ...target, lab: { ...target.lab, databaseVersion: lab.databaseVersion } },
    );
    note(`${path.relative(options.cwd, path.join(dir, ANSIBLE_DIR)) || ANSIBLE_DIR}/`);
    return result;
  });
}

async function deploy(
  env: AppEnv,
  options: DeployOptions,
  deployment: Deployment,
  progress: Progress,
): Promise<DeployOutcome> {
  const { lab, dir, inventory, hosts } = deployment;
  await renderProject(options, deployment, progress);
  const secrets = await requireSecrets(dir);
  const run = {
    projectDir: path.join(dir, ANSIBLE_DIR),
    inventory,
    hosts: Object.keys(hosts),
    env: playbookEnv(secrets),
  };
  const playbook = await progress.step(
    options.check ? 'ansible-playbook --check --diff' : 'ansible-playbook',
    async (note) => {
      const result = await runPlaybook(run, {
        check: options.check,
        signal: env.signal,
        // The playbook's own lines are the progress of a long first deploy (packages on three servers).
        onLine: options.json ? undefined : (line) => progress.note(`    ${line}`),
      });
      const failed = Object.entries(result.recap).filter(([, r]) => (r.failed ?? 0) > 0 || (r.unreachable ?? 0) > 0);
      if (result.exitCode !== 0 || failed.length > 0) {
        const failures = failedTasks(result.output);
        throw new StepError(
          `ansible-playbook failed on ${failed.map(([h]) => h).join(', ') || 'the servers'} (exit ${result.exitCode})`,
          // The firewall role's SSH test failed: the rules loaded just before it shut SSH out.
          failures.some((f) => f.task === SSH_THROUGH_FIREWALL)
            ? `The new firewall rules shut SSH out: the rollback armed before them removes them within ${FIREWALL_ROLLBACK_S} s. ` +
                "Fix the rules (the lab folder's ansible/servers/<server>/firewall.nft, or infra.yaml), then deploy again."
            : `${failures.map((f) => `${f.task}: ${f.line}`).join('\n') || tail(result.output, 20)}\n` +
                'Nothing after a failed task ran on its server.',
        );
      }
      note(`changed=${changedCount(result.recap)}`);
      return result;
    },
  );
  let replication: ReplicaOutcome[] | undefined;
  if (!options.check) {
    replication = await progress.step('replication over SSH tunnels', async (note) => {
      const tunnels = await openDatabaseTunnels(lab, hosts);
      const outcomes = await withForwarded(tunnels, env.openSession, secrets, (connections) =>
        applyReplication(lab, secrets, connections, { timeoutMs: REPLICATION_TIMEOUT_MS }),
      );
      note(outcomes.map((o) => `${o.server} ${o.action}, lag ${formatDuration(o.lag_ms)}`).join('; '));
      return outcomes;
    });
  }
  return { check: options.check, servers: playbook.recap, changed: changedCount(playbook.recap), replication };
}

/** The firewall role's task that proves SSH still gets through newly loaded rules. */
const SSH_THROUGH_FIREWALL = 'TASK [firewall : SSH gets through the new rules]';

/**
 * Each failed task with its server and Ansible's reason: what a --json run (no playbook output) needs to act. Under
 * the free strategy servers' results interleave; Ansible prints the banner of a result's own task or handler again
 * before it when another came between.
 */
export function failedTasks(output: string): { task: string; line: string }[] {
  const failed: { task: string; line: string }[] = [];
  let task = '';
  for (const line of output.split('\n')) {
    if (/^(TASK|RUNNING HANDLER) \[/.test(line)) task = line.replace(/\s*\*+$/, '');
    else if (/^(fatal|failed): \[/.test(line)) failed.push({ task, line: line.slice(0, 600) });
  }
  return failed;
}

function changedCount(recap: Record<string, HostRecap>): number {
  return Object.values(recap).reduce((sum, r) => sum + (r.changed ?? 0), 0);
}
