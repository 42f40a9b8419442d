// `infra down`'s output: what went and what stayed (with how to delete it), or the same as JSON.
import { EXIT } from '../../errors.js';
import type { Io } from '../../log.js';
import { nameFlag } from '../../topology/types.js';
import type { DownResult } from '../../app/down.js';

export function presentDown(io: Io, result: DownResult, options: { json: boolean }): number {
  const { lab, removed, keptVolumes: kept } = result;
  if (options.json) {
    io.stdout.write(JSON.stringify({ ok: true, lab, removed, kept_volumes: kept }, null, 2) + '\n');
    return EXIT.ok;
  }
  if (removed.containers + removed.networks + removed.volumes === 0 && kept.length === 0) {
    io.stderr.write(`lab "${lab}" is not on this host; nothing to do\n`);
    return EXIT.ok;
  }
  io.stderr.write(
    `lab "${lab}" is down: removed ${removed.containers} containers, ${removed.networks} network(s)` +
      (result.volumes ? `, ${removed.volumes} volume(s)` : '') +
      '\n' +
      (kept.length
        ? `  kept its data: ${kept.join(', ')} (\`infra down${nameFlag(lab)} --volumes\` deletes them)\n`
        : ''),
  );
  return EXIT.ok;
}
