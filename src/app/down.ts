// Use case `down`: removes the lab's containers and network, found by label; volumes (the data) only with --volumes.
import { resolveLabName, type LabTarget } from './lab-target.js';
import { forgetPrimary } from '../render/write-lab.js';
import { writeFaults } from '../ops/fault-record.js';
import type { Removed } from '../runtime/port.js';
import type { AppEnv } from './context.js';

export interface DownResult {
  lab: string;
  removed: Removed;
  /** Whether the data went too (--volumes). */
  volumes: boolean;
  /** The data volumes kept (without --volumes). */
  keptVolumes: string[];
}

export async function takeDown(env: AppEnv, options: LabTarget & { volumes: boolean }): Promise<DownResult> {
  const lab = await resolveLabName(options);
  const runtime = await env.connect();
  const { removed, folder } = await runtime.removeLab(lab, { volumes: options.volumes });
  // Its faults lived in its servers' namespaces and databases, gone with them: so is their record.
  if (folder) await writeFaults(folder, []);
  // Its data gone, the lab starts again as defined: the primary `infra promote` chose is forgotten with it.
  if (folder && options.volumes) await forgetPrimary(folder);
  const keptVolumes = options.volumes ? [] : await runtime.volumes(lab);
  return { lab, removed, volumes: options.volumes, keptVolumes };
}
