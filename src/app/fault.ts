// Use cases `infra fault <kind>` and `infra heal`: a grey failure made on purpose on a running lab, recorded with it,
// and undone. Each fault is checked against the lab first (its servers, a replica for lag, one traffic shaping per
// server, not twice), so a refused fault changes nothing.
import { UsageError } from '../errors.js';
import { describeFault, faultId, SHAPING_KINDS, type Fault, type FaultKind } from '../faults/fault.js';
import { applyFault, removeFault, type FaultTarget } from '../ops/faults.js';
import { readFaults, writeFaults } from '../ops/fault-record.js';
import { requireSecrets } from '../render/secrets.js';
import { nameFlag, type Lab } from '../topology/types.js';
import type { AppEnv } from './context.js';
import { resolveLabName, runningFolder, runningLab, type LabTarget } from './lab-target.js';

export interface FaultRequest {
  kind: FaultKind;
  servers: string[];
  /** hang: one component's kind. */
  component?: string;
  amount?: number;
  jitter?: number;
  /** partition: the first server against every other one. */
  fromAll?: boolean;
}

export async function makeFault(
  env: AppEnv,
  options: LabTarget & { request: FaultRequest; json: boolean },
): Promise<{ lab: string; fault: Fault }> {
  const progress = env.progress(options.json);
  const target = await faultTarget(env, options);
  const { lab, dir } = target;
  const active = await readFaults(dir);
  const { fromAll, ...request } = options.request;
  const others = lab.servers.filter((s) => s.role !== 'edge' && s.name !== request.servers[0]).map((s) => s.name);
  const servers = fromAll ? [request.servers[0], ...others] : request.servers;
  const fault: Fault = {
    ...request,
    id: faultId(request.kind, servers, request.component),
    servers,
    what: describeFault({ ...request, servers }),
    made_at: new Date(env.clock.now()).toISOString(),
  };
  requireFaultFits(lab, fault, active);
  await applyFault(target, fault, () =>
    progress.note("  building infra's network tools image (nftables, tc): once per machine"),
  );
  await writeFaults(dir, [...active, fault]);
  return { lab: lab.name, fault };
}

/** Heals the faults named (`all`: every one); returns what it removed and what is still active. */
export async function healFaults(
  env: AppEnv,
  options: LabTarget & { ids: string[]; all: boolean },
): Promise<{ lab: string; healed: Fault[]; remaining: Fault[] }> {
  const target = await faultTarget(env, options);
  let active = await readFaults(target.dir);
  const flag = nameFlag(target.lab.name);
  if (!options.all && options.ids.length === 0) {
    throw new UsageError('name the fault to heal, or --all', [
      active.length
        ? `FAULT: one of ${active.map((f) => f.id).join(', ')} (\`infra status${flag}\` lists them)`
        : `nothing to heal: lab "${target.lab.name}" has no active fault`,
    ]);
  }
  const unknown = options.ids.filter((id) => !active.some((f) => f.id === id));
  if (unknown.length > 0) {
    throw new UsageError(`no active fault ${unknown.join(', ')} on lab "${target.lab.name}"`, [
      `FAULT: ${active.length ? `one of ${active.map((f) => f.id).join(', ')}` : 'none is active'}`,
    ]);
  }
  const healing = options.all ? active : active.filter((f) => options.ids.includes(f.id));
  for (const fault of healing) {
    await removeFault(target, fault);
    // Recorded as each goes: a heal that fails halfway leaves the rest listed, and healable.
    active = active.filter((f) => f.id !== fault.id);
    await writeFaults(target.dir, active);
  }
  return { lab: target.lab.name, healed: healing, remaining: active };
}

/** `recover`, `drill reset`: the faults on these servers (all: every fault; `kinds`: of these kinds) undone, quietly. */
export async function healFaultsOn(
  env: AppEnv,
  options: LabTarget,
  servers: string[] | 'all',
  kinds?: FaultKind[],
): Promise<Fault[]> {
  // Read from the folder alone first: most labs have no fault, and these commands must not need more to run.
  const name = await resolveLabName(options);
  const dir = await runningFolder(await env.connect(), name);
  const active = dir ? await readFaults(dir) : [];
  const ids = active
    .filter((f) => servers === 'all' || f.servers.some((s) => servers.includes(s)))
    .filter((f) => !kinds || kinds.includes(f.kind))
    .map((f) => f.id);
  if (ids.length === 0) return [];
  return (await healFaults(env, { ...options, name, ids, all: false })).healed;
}

async function faultTarget(env: AppEnv, options: LabTarget): Promise<FaultTarget> {
  const { runtime, lab, dir } = await runningLab(env, options, ', then the fault');
  return { runtime, lab, dir, openSession: env.openSession, secrets: await requireSecrets(dir) };
}

/** Refuses a fault the lab cannot take, naming the field and the fix; nothing has changed yet. */
function requireFaultFits(lab: Lab, fault: Fault, active: Fault[]): void {
  const flag = nameFlag(lab.name);
  const names = lab.servers.filter((s) => s.role !== 'edge').map((s) => s.name);
  for (const server of fault.servers) {
    if (!names.includes(server)) {
      throw new UsageError(`lab "${lab.name}" has no server ${server}`, [`SERVER: one of ${names.join(', ')}`]);
    }
  }
  if (fault.component) {
    const server = lab.servers.find((s) => s.name === fault.servers[0])!;
    const kinds = server.components.map((c) => c.kind);
    if (!kinds.includes(fault.component as (typeof kinds)[number])) {
      throw new UsageError(`${server.name} runs no ${fault.component}`, [
        `SERVER/COMPONENT: one of ${kinds.map((k) => `${server.name}/${k}`).join(', ')}, or ${server.name} alone (all of them)`,
      ]);
    }
  }
  const hung = active.find((f) => f.kind === 'hang' && fault.kind === 'hang' && f.servers[0] === fault.servers[0]);
  if (hung && (!hung.component || !fault.component)) {
    throw new UsageError(`${hung.id} already freezes ${fault.servers[0]}'s processes`, [
      `heal it first: \`infra heal ${hung.id}${flag}\``,
    ]);
  }
  if (fault.kind === 'partition' && fault.servers[0] === fault.servers[1]) {
    throw new UsageError('a partition is between two servers', ['SERVER SERVER: two different servers']);
  }
  if (fault.kind === 'lag') {
    const server = lab.servers.find((s) => s.name === fault.servers[0])!;
    if (!server.database || server.database.role !== 'replica') {
      const replicas = lab.servers.filter((s) => s.database?.role === 'replica').map((s) => s.name);
      throw new UsageError(`${server.name} has no replica database: lag delays a replica behind the primary`, [
        `SERVER: a replica (${replicas.join(', ') || 'none in this lab'})`,
      ]);
    }
  }
  const same = active.find((f) => f.id === fault.id);
  if (same) {
    throw new UsageError(`${fault.id} is already active (since ${same.made_at})`, [
      `heal it first: \`infra heal ${fault.id}${flag}\``,
    ]);
  }
  const shaping = SHAPING_KINDS.includes(fault.kind)
    ? active.find((f) => SHAPING_KINDS.includes(f.kind) && f.servers[0] === fault.servers[0])
    : undefined;
  if (shaping) {
    throw new UsageError(`${fault.servers[0]} already has ${shaping.id}: one rate, delay or corrupt per server`, [
      `heal it first: \`infra heal ${shaping.id}${flag}\``,
    ]);
  }
}
