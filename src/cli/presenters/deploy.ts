// `infra deploy`'s result: the project rendered for review (what was assumed, how to run it), or what the deploy (or
// --check) changed on each server, as JSON or a last line.
import path from 'node:path';
import { EXIT } from '../../errors.js';
import type { Io } from '../../log.js';
import { stepsJson } from '../../report/steps.js';
import { ASSUMED } from '../../targets/targets.js';
import type { DeployResult } from '../../app/deploy.js';

export function presentDeploy(io: Io, result: DeployResult, options: { json: boolean; cwd: string }): number {
  if (result.kind === 'rendered') return presentRendered(io, result, options);
  const { lab, dir, outcome, seconds } = result;
  if (options.json) {
    const json = { ok: true, lab, dir, ...outcome, steps: stepsJson(result.steps), duration_s: seconds };
    io.stdout.write(JSON.stringify(json, null, 2) + '\n');
    return EXIT.ok;
  }
  const perServer = Object.entries(outcome.servers)
    .map(([host, r]) => `${host} changed=${r.changed ?? 0}`)
    .join(', ');
  if (outcome.check) {
    io.stderr.write(
      `check only: ${outcome.changed} change(s) would be made (${perServer}); nothing was changed. ` +
        `Run without --check to apply.\n`,
    );
    return EXIT.ok;
  }
  io.stderr.write(
    `lab "${lab}" deployed in ${seconds.toFixed(1)} s: ${outcome.changed === 0 ? 'no change' : `${outcome.changed} change(s)`} (${perServer})\n` +
      `next: infra smoke --inventory <file> checks it from here\n`,
  );
  return EXIT.ok;
}

/** `--render-only`: where the project is, what was assumed of the servers, and how to run it. */
function presentRendered(
  io: Io,
  result: Extract<DeployResult, { kind: 'rendered' }>,
  options: { json: boolean; cwd: string },
): number {
  const { lab, dir, project, servers } = result;
  const assumed = Object.values(servers).map((s) => `${s.facts.server} ${s.facts.distribution} ${s.facts.release}`);
  if (options.json) {
    const json = {
      ok: true,
      lab,
      dir,
      project,
      contacted: false,
      assumed: Object.fromEntries(Object.values(servers).map((s) => [s.facts.server, s.facts])),
    };
    io.stdout.write(JSON.stringify(json, null, 2) + '\n');
    return EXIT.ok;
  }
  io.stderr.write(
    `rendered ${path.relative(options.cwd, project) || project}/ for review; no server was contacted.\n` +
      `assumed: ${assumed.join(', ')}, with ${ASSUMED.serviceManager}, each on the /${ASSUMED.prefix} around its address ` +
      `(infra_release="ubuntu 24.04", infra_address and infra_interface in the inventory say otherwise).\n` +
      `\`infra deploy\` reads the real ones, renders again, and runs it; \`--check\` shows what it would change.\n`,
  );
  return EXIT.ok;
}
