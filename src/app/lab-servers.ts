// The lab and the real servers it is (or goes) on, for deploy, smoke and status: named by an inventory file
// (--inventory FILE), or by infra.yaml's `targets:`, which deploy renders into the lab folder as an inventory.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { pathExists } from '../render/write-lab.js';
import { readInventory, type HostVars } from '../runtime/ansible.js';
import { ANSIBLE_DIR } from '../targets/ansible-project.js';
import { inventoryFromTargets, inventorySource, requireServers, TARGETS_SOURCE } from '../targets/targets.js';
import { webServers, type Lab } from '../topology/types.js';
import { withoutEdge } from '../profiles/redundant/module.js';
import { floatingAddressOf, type ServerFloatingAddress } from '../targets/floating-address.js';
import { PORTS } from '../topology/lab-constants.js';
import { openTunnels } from '../runtime/ssh.js';
import type { Forward } from '../runtime/port.js';
import { resolveRenderTarget, type RenderOptions, type RenderTarget } from './render.js';

/** Where deploy renders infra.yaml's targets, and where smoke and status read them. */
export const TARGETS_INVENTORY = `${ANSIBLE_DIR}/inventory.ini`;

export interface LabServers {
  /** The lab as the servers run it (no edge). */
  lab: Lab;
  dir: string;
  target: RenderTarget;
  /** The inventory file Ansible reads now (for targets before deploy's render: a temporary copy). */
  inventory: string;
  /** The lab's servers only, with their variables. */
  hosts: Record<string, HostVars>;
  /** infra.yaml's targets as an inventory, which deploy renders into the lab folder. */
  targetsInventory?: string;
  /** `redundant`: the floating address the inventory gives the load balancers. */
  floatingAddress?: ServerFloatingAddress;
  /** Removes a temporary inventory. */
  release(): Promise<void>;
}

/**
 * `inventory`: a file, or `true` (the flag without a file) / undefined for infra.yaml's targets. `alongside` starts
 * as soon as the inventory file is known, with the lab's server names (deploy reads the servers' facts while
 * Ansible parses the inventory: 0.3 to 0.5 s); it is awaited after the inventory's own checks, whose errors come first.
 */
export async function labServers<T = never>(
  options: RenderOptions & { inventory?: string | true },
  use: 'deploy' | 'read',
  alongside?: (inventory: string, servers: string[]) => Promise<T>,
): Promise<LabServers & { alongside?: T }> {
  const target = await resolveRenderTarget(options);
  // The servers run the lab without an edge; the lab folder's Docker files keep theirs.
  const lab = withoutEdge(target.lab);
  const { dir, definition } = target;
  let inventory: string;
  let targetsInventory: string | undefined;
  let release = async () => {};
  if (typeof options.inventory === 'string') {
    inventory = path.resolve(options.cwd, options.inventory);
  } else if (definition.targets) {
    targetsInventory = inventoryFromTargets(definition.targets);
    inventory = path.join(dir, TARGETS_INVENTORY);
    if (use === 'deploy') {
      // Ansible reads the servers' facts before the project (and this inventory in it) is rendered.
      const temporary = await mkdtemp(path.join(os.tmpdir(), 'infra-targets-'));
      inventory = path.join(temporary, 'inventory.ini');
      await writeFile(inventory, targetsInventory);
      release = () => rm(temporary, { recursive: true, force: true });
    } else if (!(await pathExists(inventory))) {
      throw new UsageError(`lab "${lab.name}" has not been deployed to its targets yet (no ${inventory})`, [
        'run `infra deploy` first: it renders the targets of infra.yaml as that inventory',
      ]);
    }
  } else {
    throw new UsageError(`which servers? lab "${lab.name}" names none`, [
      '--inventory FILE: an Ansible inventory with a host per server (lb-01, web-01, web-02)',
      'or targets: in infra.yaml, e.g. `targets: { lb-01: { host: 203.0.113.10, user: ubuntu }, … }`',
    ]);
  }
  const pending = alongside?.(
    inventory,
    lab.servers.map((s) => s.name),
  );
  try {
    const all = await readInventory(inventory);
    const source = typeof options.inventory === 'string' ? inventorySource(options.inventory) : TARGETS_SOURCE;
    const hosts = Object.fromEntries(requireServers(lab, all, source).map((n) => [n, all[n]]));
    const floatingAddress = floatingAddressOf(lab, hosts, source);
    const read = pending ? { alongside: await pending } : {};
    return { lab, dir, target, inventory, hosts, targetsInventory, floatingAddress, release, ...read };
  } catch (error) {
    // The inventory's own error first; what ran alongside is not left running.
    await pending?.catch(() => undefined);
    await release();
    throw error;
  }
}

/** SSH tunnels to the databases of `servers` (every web server unless named), on this machine's 127.0.0.1. */
export function openDatabaseTunnels(
  lab: Lab,
  hosts: Record<string, HostVars>,
  servers = webServers(lab).map((s) => s.name),
): Promise<Forward> {
  return openTunnels(Object.fromEntries(servers.map((s) => [s, hosts[s]])), PORTS.database);
}
