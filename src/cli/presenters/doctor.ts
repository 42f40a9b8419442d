// `infra doctor`'s output: a line per finding with its fix, or JSON; the exit code the findings add up to.
import { EXIT } from '../../errors.js';
import { painter, type Io } from '../../log.js';
import type { DoctorResult } from '../../app/doctor.js';

export function presentDoctor(io: Io, { findings, exitCode }: DoctorResult, options: { json: boolean }): number {
  if (options.json) {
    const body = { ok: exitCode === EXIT.ok, findings: findings.map(({ environment: _e, ...f }) => f) };
    io.stdout.write(JSON.stringify(body, null, 2) + '\n');
    return exitCode;
  }
  const paint = painter(io.stdout, io.env);
  for (const f of findings) {
    const mark = f.status === 'passed' ? paint('green', '✓') : f.status === 'skipped' ? '–' : paint('red', '✗');
    io.stdout.write(`${mark} ${f.name.padEnd(14)} ${f.detail}\n`);
    if (f.fix) io.stdout.write(`  fix: ${f.fix}\n`);
  }
  return exitCode;
}
