// Use case `down`: removes the lab's containers and network, found by label; volumes (the data) only with --volumes.
import { EXIT } from '../errors.js';
import { nameFlag } from '../topology/types.js';
import { resolveLabName, type LabTarget } from './lab-target.js';
import { forgetPrimary } from '../render/write-lab.js';
import type { AppEnv } from './context.js';

export async function downCommand(
  env: AppEnv,
  options: LabTarget & { volumes: boolean; json?: boolean },
): Promise<number> {
  const { io } = env;
  const lab = await resolveLabName(options);
  const runtime = await env.connect();
  const folder = options.volumes ? await runtime.labFolder(lab) : undefined;
  const removed = await runtime.removeLab(lab, { volumes: options.volumes });
  // Its data gone, the lab starts again as defined: the primary `infra promote` chose is forgotten with it.
  if (folder) await forgetPrimary(folder);
  const kept = options.volumes ? [] : await runtime.volumes(lab);
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
      (options.volumes ? `, ${removed.volumes} volume(s)` : '') +
      '\n' +
      (kept.length
        ? `  kept its data: ${kept.join(', ')} (\`infra down${nameFlag(lab)} --volumes\` deletes them)\n`
        : ''),
  );
  return EXIT.ok;
}
