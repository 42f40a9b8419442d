// Use case `reset`, for instructors: removes everything infra created for one lab, or with --all for every lab on
// the host and the images infra built. Found by label only, so a lost lab folder is no obstacle and nothing infra
// did not create is touched. Deleting volumes (student data) needs a yes, on a terminal or as --yes.
import { createInterface } from 'node:readline/promises';
import { EXIT, UsageError } from '../errors.js';
import { resolveLabName, type LabTarget } from './lab-target.js';
import type { AppEnv } from './context.js';
import { reapLabs, report } from './reap.js';

export async function resetCommand(
  env: AppEnv,
  options: LabTarget & { all: boolean; yes: boolean; json?: boolean; olderThanMs?: number },
): Promise<number> {
  const { io } = env;
  if (options.olderThanMs !== undefined) {
    // For cron: no prompt, so the deletion of data volumes is confirmed on the command line.
    if (!options.yes) {
      throw new UsageError("reset --older-than deletes the labs' data volumes; nothing was removed", [
        '--yes: confirm deleting the labs older than that, with their volumes',
      ]);
    }
    const choices = await reapLabs(env, { olderThanMs: options.olderThanMs }, { dryRun: false });
    report(env, choices, { dryRun: false, json: Boolean(options.json) });
    return EXIT.ok;
  }
  const runtime = await env.connect();
  const labs = options.all ? await runtime.labNames() : [await resolveLabName(options)];
  const volumes = (await Promise.all(labs.map((lab) => runtime.volumes(lab)))).flat();
  if (volumes.length > 0 && !options.yes) {
    const question = `delete ${volumes.length} data volume(s) of ${labs.map((l) => `"${l}"`).join(', ')} (${volumes.join(', ')})? [y/N] `;
    if (!io.stdin.isTTY) {
      throw new UsageError(
        'reset would delete data volumes and cannot ask here (not a terminal); nothing was removed',
        ['--yes: confirm deleting the volumes'],
      );
    }
    const rl = createInterface({ input: io.stdin, output: io.stderr });
    const answer = await rl.question(question);
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) {
      io.stderr.write('nothing removed\n');
      return EXIT.ok;
    }
  }
  const results = [];
  for (const lab of labs) {
    const removed = await runtime.removeLab(lab, { volumes: true });
    results.push({ lab, removed });
    if (!options.json) {
      io.stderr.write(
        `reset "${lab}": ${removed.containers} containers, ${removed.networks} network(s), ${removed.volumes} volume(s)\n`,
      );
    }
  }
  const images = options.all ? await runtime.removeBuiltImages() : 0;
  if (options.json) {
    io.stdout.write(JSON.stringify({ ok: true, labs: results, images_removed: images }, null, 2) + '\n');
    return EXIT.ok;
  }
  if (options.all) io.stderr.write(`removed ${images} image(s) infra built\n`);
  if (labs.length === 0) io.stderr.write('no infra lab on this host\n');
  return EXIT.ok;
}
