// What `infra reap` and `infra reset --older-than` removed (or, dry, would remove), lab by lab, or as JSON.
import { EXIT } from '../../errors.js';
import type { Io } from '../../log.js';
import type { ReapChoice } from '../../app/reap.js';

export function presentReaped(io: Io, choices: ReapChoice[], options: { dryRun: boolean; json: boolean }): number {
  if (options.json) {
    io.stdout.write(JSON.stringify({ ok: true, dry_run: options.dryRun, labs: choices }, null, 2) + '\n');
    return EXIT.ok;
  }
  if (choices.length === 0) io.stderr.write('nothing to remove\n');
  for (const c of choices) {
    const what = c.skipped
      ? `left alone: ${c.skipped}`
      : c.removed
        ? `removed ${c.removed.containers} containers, ${c.removed.networks} network(s), ${c.removed.volumes} volume(s)`
        : 'would be removed (dry run)';
    io.stderr.write(`lab "${c.lab}" (${c.reason}): ${what}\n`);
  }
  return EXIT.ok;
}
