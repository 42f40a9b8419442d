// `infra ls`'s output: the labs as a table, or as JSON for scripts.
import { EXIT } from '../../errors.js';
import { painter, type Io } from '../../log.js';
import type { LabListing } from '../../app/ls.js';

export function presentLabs(io: Io, labs: LabListing[], options: { json: boolean }): number {
  if (options.json) {
    io.stdout.write(JSON.stringify(labs, null, 2) + '\n');
    return EXIT.ok;
  }
  if (labs.length === 0) {
    io.stdout.write('no infra lab on this engine (`infra up` starts one)\n');
    return EXIT.ok;
  }
  const paint = painter(io.stdout, io.env);
  const rows = labs.map((l) => [
    l.name,
    l.state,
    (l.state === 'running' || l.state === 'partial' ? (l.healthy ? 'healthy' : 'NOT healthy') : '-') +
      (l.faults.length ? ` (${l.faults.length} fault${l.faults.length > 1 ? 's' : ''})` : ''),
    l.url ?? '-',
    l.age_seconds === null ? '-' : age(l.age_seconds),
    l.infra_version ?? (l.state === 'data-only' ? '-' : '<0.2.0'),
    l.dir ?? '-',
  ]);
  const header = ['NAME', 'STATE', 'HEALTH', 'URL', 'AGE', 'INFRA', 'FOLDER'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd() + '\n';
  io.stdout.write(paint('bold', line(header)));
  for (const r of rows) io.stdout.write(line(r));
  return EXIT.ok;
}

function age(seconds: number): string {
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86_400)}d`;
}
