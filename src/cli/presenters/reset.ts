// `infra reset`'s output: each lab as it goes, then the images; a question on the terminal before data goes.
import { createInterface } from 'node:readline/promises';
import { EXIT } from '../../errors.js';
import type { Io } from '../../log.js';
import type { ResetResult } from '../../app/reset.js';
import type { Removed } from '../../runtime/port.js';
import { presentReaped } from './reap.js';

/** The terminal's yes/no before data volumes go; none when stdin is not a terminal (then --yes is needed). */
export function terminalConfirm(io: Io): ((question: string) => Promise<boolean>) | undefined {
  if (!io.stdin.isTTY) return undefined;
  return async (question) => {
    const rl = createInterface({ input: io.stdin, output: io.stderr });
    const answer = await rl.question(question);
    rl.close();
    return /^y(es)?$/i.test(answer.trim());
  };
}

/** One line per lab removed, as it goes (not with --json). */
export function resetProgress(io: Io, json: boolean): ((lab: string, removed: Removed) => void) | undefined {
  if (json) return undefined;
  return (lab, removed) =>
    io.stderr.write(
      `reset "${lab}": ${removed.containers} containers, ${removed.networks} network(s), ${removed.volumes} volume(s)\n`,
    );
}

export function presentReset(io: Io, result: ResetResult, options: { json: boolean }): number {
  if (result.kind === 'reaped') return presentReaped(io, result.choices, { dryRun: false, json: options.json });
  if (result.kind === 'declined') {
    io.stderr.write('nothing removed\n');
    return EXIT.ok;
  }
  if (options.json) {
    const body = { ok: true, labs: result.labs, images_removed: result.imagesRemoved };
    io.stdout.write(JSON.stringify(body, null, 2) + '\n');
    return EXIT.ok;
  }
  if (result.all) io.stderr.write(`removed ${result.imagesRemoved} image(s) infra built\n`);
  if (result.labs.length === 0) io.stderr.write('no infra lab on this host\n');
  return EXIT.ok;
}
