// Carries out a drill's steps on a running lab: an in-place edit of a lab-folder file (the container that mounts it
// sees the change; the next step reloads it), a command in a container, a stop or restart, a command to HAProxy's
// runtime API, a statement on one server's database (as infra's user, through the forwarder).
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SessionOpener } from '../database/session.js';
import { StepError } from '../errors.js';
import { describeFault, faultId, type Fault, type FaultKind } from '../faults/fault.js';
import { applyFault } from '../ops/faults.js';
import { readFaults, writeFaults } from '../ops/fault-record.js';
import { haproxyCommand } from '../ops/haproxy.js';
import { forwardTarget, withDatabases } from '../ops/databases.js';
import { flavourOf } from '../flavours/index.js';
import type { LabSecrets } from '../render/secrets.js';
import type { ContainerRuntime } from '../runtime/port.js';
import { containerName, frontLoadBalancer, type Lab } from '../topology/types.js';
import type { DrillStep } from './drill.js';

export interface StepTarget {
  runtime: ContainerRuntime;
  openSession: SessionOpener;
  lab: Lab;
  dir: string;
  secrets: LabSecrets;
}

export async function runSteps(target: StepTarget, steps: DrillStep[]): Promise<void> {
  const { runtime, lab } = target;
  const idOf = async (container: string) => {
    const found = (await runtime.containers(lab.name)).find((c) => c.name === containerName(lab, container));
    if (!found) throw new StepError(`the lab has no container ${container}`);
    return found.id;
  };
  for (const step of steps) {
    if ('edit' in step) {
      const file = path.join(target.dir, step.edit.file);
      const text = await readFile(file, 'utf8');
      if (!text.includes(step.edit.from)) throw new StepError(`${step.edit.file} does not contain "${step.edit.from}"`);
      // In place (same inode): a file bind-mounted into a container shows the change there too.
      await writeFile(file, text.split(step.edit.from).join(step.edit.to));
    } else if ('exec' in step) {
      const result = await runtime.exec(containerName(lab, step.exec.container), step.exec.command);
      if (result.exitCode !== 0) {
        throw new StepError(`${step.exec.command.join(' ')} in ${step.exec.container} failed: ${result.stderr.trim()}`);
      }
    } else if ('stop' in step) {
      await runtime.stop(await idOf(step.stop.container), 5);
    } else if ('pause' in step) {
      await runtime.pause(await idOf(step.pause.container));
    } else if ('unpause' in step) {
      await runtime.unpause(await idOf(step.unpause.container));
    } else if ('restart' in step) {
      await runtime.restart(await idOf(step.restart), 5);
    } else if ('fault' in step) {
      await makeFault(target, step.fault);
    } else if ('wait' in step) {
      await new Promise((resolve) => setTimeout(resolve, step.wait * 1000));
    } else if ('haproxy' in step) {
      await haproxyCommand(runtime, containerName(lab, `${frontLoadBalancer(lab).name}-haproxy`), step.haproxy);
    } else if ('lag' in step) {
      // In the lab's flavour's words (MariaDB's MASTER_DELAY, MySQL's SOURCE_DELAY).
      const statements = flavourOf(lab).replicaDelay(Number(step.lag.seconds));
      await onDatabase(
        target,
        step.lag.server,
        statements.map((s) => s.sql),
      );
    } else {
      await onDatabase(target, step.sql.server, [step.sql.statement]);
    }
  }
}

/** A fault made and recorded as `infra fault` would, so that status lists it and heal undoes it. */
async function makeFault(target: StepTarget, step: { kind: FaultKind; servers: string[]; amount?: string }) {
  const amount = step.amount === undefined ? undefined : Number(step.amount);
  const fault: Fault = {
    kind: step.kind,
    servers: step.servers,
    ...(amount === undefined ? {} : { amount }),
    id: faultId(step.kind, step.servers),
    what: describeFault({ kind: step.kind, servers: step.servers, amount }),
    made_at: new Date().toISOString(),
  };
  await applyFault(target, fault);
  await writeFaults(target.dir, [...(await readFaults(target.dir)), fault]);
}

/** Statements on one server's database alone (another may be the one the drill made unreachable), as infra's user. */
async function onDatabase(target: StepTarget, server: string, statements: string[]): Promise<void> {
  await withDatabases(
    target.runtime,
    target.openSession,
    { ...forwardTarget(target.lab), servers: [server], credentials: target.secrets },
    async (connections) => {
      for (const statement of statements) await connections[server].query(statement);
    },
  );
}
