// Use case `reset`, for instructors: removes everything infra created for one lab, or with --all for every lab on
// the host and the images infra built. Found by label only, so a lost lab folder is no obstacle and nothing infra
// did not create is touched. Deleting volumes (student data) needs a yes: --yes, or the answer to `confirm`.
import { UsageError } from '../errors.js';
import type { Removed } from '../runtime/port.js';
import { resolveLabName, type LabTarget } from './lab-target.js';
import type { AppEnv } from './context.js';
import { reapLabs, type ReapChoice } from './reap.js';

export interface ResetOptions extends LabTarget {
  all: boolean;
  yes: boolean;
  olderThanMs?: number;
  /**
   * Asks the person at the terminal before data volumes go; undefined where nobody can answer (not a terminal),
   * where deleting them needs --yes.
   */
  confirm?: (question: string) => Promise<boolean>;
  /** Each lab as it goes (a room's worth of labs takes a while). */
  onRemoved?: (lab: string, removed: Removed) => void;
}

export type ResetResult =
  | { kind: 'reaped'; choices: ReapChoice[] }
  | { kind: 'declined' }
  | { kind: 'reset'; labs: { lab: string; removed: Removed }[]; all: boolean; imagesRemoved: number };

export async function resetLabs(env: AppEnv, options: ResetOptions): Promise<ResetResult> {
  if (options.olderThanMs !== undefined) {
    // For cron: no prompt, so the deletion of data volumes is confirmed on the command line.
    if (!options.yes) {
      throw new UsageError("reset --older-than deletes the labs' data volumes; nothing was removed", [
        '--yes: confirm deleting the labs older than that, with their volumes',
      ]);
    }
    return { kind: 'reaped', choices: await reapLabs(env, { olderThanMs: options.olderThanMs }, { dryRun: false }) };
  }
  const runtime = await env.connect();
  const labs = options.all ? await runtime.labNames() : [await resolveLabName(options)];
  const volumes = (await Promise.all(labs.map((lab) => runtime.volumes(lab)))).flat();
  if (volumes.length > 0 && !options.yes) {
    if (!options.confirm) {
      throw new UsageError(
        'reset would delete data volumes and cannot ask here (not a terminal); nothing was removed',
        ['--yes: confirm deleting the volumes'],
      );
    }
    const question = `delete ${volumes.length} data volume(s) of ${labs.map((l) => `"${l}"`).join(', ')} (${volumes.join(', ')})? [y/N] `;
    if (!(await options.confirm(question))) return { kind: 'declined' };
  }
  const results = [];
  for (const lab of labs) {
    const { removed } = await runtime.removeLab(lab, { volumes: true });
    results.push({ lab, removed });
    options.onRemoved?.(lab, removed);
  }
  const imagesRemoved = options.all ? await runtime.removeBuiltImages() : 0;
  return { kind: 'reset', labs: results, all: options.all, imagesRemoved };
}
