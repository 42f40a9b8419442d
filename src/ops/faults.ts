// Makes and undoes the faults of `infra fault` on a running Docker lab (their record: ops/fault-record.ts).
// Network faults run in a short-lived helper joined to the server's namespace (src/faults/network.ts says what it
// runs there); `lag` is a statement on the replica's database, through the forwarder.
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SessionOpener } from '../database/session.js';
import { EnvironmentError, StepError } from '../errors.js';
import type { Fault } from '../faults/fault.js';
import { applyScript, NETEM_OPTION, NETEM_PROBE, removeScript } from '../faults/network.js';
import { flavourOf } from '../flavours/index.js';
import { networkToolsImage } from '../render/images.js';
import type { LabSecrets } from '../render/secrets.js';
import type { ContainerRuntime } from '../runtime/port.js';
import { containerName, type Lab } from '../topology/types.js';
import { forwardTarget, withDatabases } from './databases.js';

export interface FaultTarget {
  runtime: ContainerRuntime;
  openSession: SessionOpener;
  lab: Lab;
  dir: string;
  secrets: LabSecrets;
}

/** Makes `fault` on the lab. `onBuild` is told when the network tools image is built first (once per machine). */
export async function applyFault(target: FaultTarget, fault: Fault, onBuild?: () => void): Promise<void> {
  if (fault.kind === 'lag') return delayReplica(target, fault.servers[0], fault.amount!);
  if (fault.kind === 'hang') {
    for (const c of await hungContainers(target, fault)) await target.runtime.pause(c.id);
    return;
  }
  const image = await networkTools(target.runtime, onBuild);
  if (fault.kind === 'delay' || fault.kind === 'corrupt') await requireNetem(target, image);
  if (fault.kind === 'partition') {
    // The first server on one side, every other on the other (one server, or all of them: --from-all).
    const [first, ...others] = fault.servers;
    const [mine, ...theirs] = await Promise.all(fault.servers.map((s) => addressesOf(target, image, s)));
    await inNamespace(target, image, first, applyScript(fault, theirs.flat()));
    for (const other of others) await inNamespace(target, image, other, applyScript(fault, mine));
    return;
  }
  await inNamespace(target, image, fault.servers[0], applyScript(fault));
}

/** Undoes `fault`; a server that no longer runs has lost it with its namespace, which is not an error. */
export async function removeFault(target: FaultTarget, fault: Fault): Promise<void> {
  if (fault.kind === 'lag') return delayReplica(target, fault.servers[0], 0);
  if (fault.kind === 'hang') {
    for (const c of await hungContainers(target, fault)) await target.runtime.unpause(c.id);
    return;
  }
  const image = await networkTools(target.runtime);
  const running = new Set(
    (await target.runtime.containers(target.lab.name)).filter((c) => c.state === 'running').map((c) => c.name),
  );
  for (const server of fault.servers) {
    if (running.has(containerName(target.lab, server))) await inNamespace(target, image, server, removeScript(fault));
  }
}

/** hang: the component named, or every component of the server (its host holds only the namespace). */
async function hungContainers(target: FaultTarget, fault: Fault) {
  const [server] = fault.servers;
  return (await target.runtime.containers(target.lab.name)).filter(
    (c) => c.server === server && c.component !== 'host' && (!fault.component || c.component === fault.component),
  );
}

/** The network tools image, built from its template the first time a fault needs it. */
async function networkTools(runtime: ContainerRuntime, onBuild?: () => void): Promise<string> {
  const build = networkToolsImage();
  if (await runtime.hasImage(build.tag)) return build.tag;
  onBuild?.();
  const dir = await mkdtemp(path.join(tmpdir(), 'infra-nettools-'));
  try {
    for (const f of build.files) {
      await mkdir(path.dirname(path.join(dir, f.path)), { recursive: true });
      await writeFile(path.join(dir, f.path), f.content, { mode: f.mode });
    }
    await runtime.buildImage(dir, build);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return build.tag;
}

/** Refuses, before anything changes, where the kernel has no netem (delay and corrupt need it). */
async function requireNetem(target: FaultTarget, image: string): Promise<void> {
  const probe = await target.runtime.runNetworkTool({ lab: target.lab.name, image, script: NETEM_PROBE });
  if (probe.exitCode !== 0) {
    throw new EnvironmentError(
      `this machine's kernel has no netem (${NETEM_OPTION} is not set: tc says "${probe.stderr.trim()}"), which ` +
        'delay and corrupt need; nothing was changed. Use a kernel built with it (most distributions load it as the ' +
        'sch_netem module), or fault the lab with loss, rate or partition, which need only nftables and tbf',
    );
  }
}

async function inNamespace(target: FaultTarget, image: string, server: string, script: string): Promise<void> {
  const result = await target.runtime.runNetworkTool({
    lab: target.lab.name,
    image,
    script,
    namespaceOf: containerName(target.lab, server),
  });
  if (result.exitCode !== 0) {
    throw new StepError(`changing ${server}'s network failed: ${result.stderr.trim() || `exit ${result.exitCode}`}`);
  }
}

/** A server's IPv4 addresses on its networks (a load balancer's floating address among them while it holds it). */
async function addressesOf(target: FaultTarget, image: string, server: string): Promise<string[]> {
  const result = await target.runtime.runNetworkTool({
    lab: target.lab.name,
    image,
    script: "ip -4 -o addr show scope global | awk '{print $4}' | cut -d/ -f1\n",
    namespaceOf: containerName(target.lab, server),
  });
  const addresses = result.stdout.split('\n').filter((line) => /^\d+\.\d+\.\d+\.\d+$/.test(line.trim()));
  if (result.exitCode !== 0 || addresses.length === 0) {
    throw new StepError(`cannot read ${server}'s addresses: ${result.stderr.trim() || 'none found'}`);
  }
  return addresses.map((a) => a.trim());
}

async function delayReplica(target: FaultTarget, server: string, seconds: number): Promise<void> {
  const { runtime, lab, openSession, secrets } = target;
  await withDatabases(
    runtime,
    openSession,
    { ...forwardTarget(lab), servers: [server], credentials: secrets },
    async (connections) => {
      for (const statement of flavourOf(lab).replicaDelay(seconds)) await connections[server].query(statement.sql);
    },
  );
}
