// `infra drill list|start|check|reset`: the drills, a drill's story, whether it is solved (terminal, JSON, JUnit),
// and what was restored; a lab `up` could not restore is said on stderr with why.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { errorJson, EXIT, exitCodeOf } from '../../errors.js';
import type { Io } from '../../log.js';
import { junitXml } from '../../report/smoke-report.js';
import { nameFlag } from '../../topology/types.js';
import type { DrillChecked, DrillReset, DrillStarted } from '../../app/drill.js';
import type { Drill } from '../../drills/drill.js';

export function presentDrillList(io: Io, all: Drill[], options: { json: boolean }): number {
  if (options.json) {
    const body = all.map((d) => ({ name: d.name, title: d.title, profile: d.profile ?? null, proves: d.proves }));
    io.stdout.write(JSON.stringify(body, null, 2) + '\n');
    return EXIT.ok;
  }
  const width = Math.max(...all.map((d) => d.name.length));
  for (const d of all) {
    io.stdout.write(`${d.name.padEnd(width)}  ${d.title}${d.profile ? `  (needs --profile ${d.profile})` : ''}\n`);
  }
  io.stdout.write('\nstart one on a running lab: infra drill start <name>\n');
  return EXIT.ok;
}

export function presentDrillStarted(io: Io, started: DrillStarted): number {
  if (started.restoreFailure) {
    restoreFailed(io, started.restoreFailure);
    return EXIT.failed;
  }
  const { drill, lab } = started;
  if (started.ended) io.stdout.write(`drill "${started.ended}" was solved; ended it and restored the lab\n`);
  io.stdout.write(
    `drill "${drill.name}" on lab "${lab}": ${drill.title}\n\n${drill.story.trim()}\n\n` +
      `check your fix: infra drill check${nameFlag(lab)}   (--hint for a hint; ${drill.hints.length} available)\n`,
  );
  return EXIT.ok;
}

/** Exit 0 solved, 1 not yet. */
export async function presentDrillChecked(
  io: Io,
  checked: DrillChecked,
  options: { json: boolean; junit?: string; cwd: string },
): Promise<number> {
  const { drill, solved, hint, report } = checked;
  if (options.junit) await writeFile(path.resolve(options.cwd, options.junit), junitXml(report));
  if (options.json) {
    const body = { lab: checked.lab, drill: drill.name, solved, checks: report.checks, hint: hint ?? null };
    io.stdout.write(JSON.stringify(body, null, 2) + '\n');
  } else {
    for (const c of report.checks) io.stdout.write(`  ${c.status === 'passed' ? '✓' : '✗'} ${c.name}: ${c.detail}\n`);
    io.stdout.write(solved ? `solved: ${drill.title}\n` : 'not yet\n');
    if (hint) io.stdout.write(`hint: ${hint}\n`);
  }
  return solved ? EXIT.ok : EXIT.failed;
}

export function presentDrillReset(io: Io, reset: DrillReset): number {
  if (reset.restoreFailure) {
    restoreFailed(io, reset.restoreFailure);
    return exitCodeOf(reset.restoreFailure);
  }
  io.stdout.write(
    reset.drill
      ? `drill "${reset.drill.name}" reset: lab "${reset.lab}" is as infra made it\n`
      : 'no drill was running; the lab is as infra made it\n',
  );
  return EXIT.ok;
}

function restoreFailed(io: Io, failure: unknown): void {
  const { message, detail } = errorJson(failure);
  io.stderr.write(`up could not restore the lab: ${message}\n${detail}\n`);
}
