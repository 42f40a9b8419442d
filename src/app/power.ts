// Use cases `infra fail <server>` and `infra recover <server>`: a server of a running lab off the network and back.
import { formatDuration } from '../log.js';
import { EXIT } from '../errors.js';
import { nameFlag } from '../topology/types.js';
import { failServer, recoverServer } from '../ops/server-power.js';
import { resolveLabName, type LabTarget } from './lab-target.js';
import type { AppEnv } from './context.js';

export async function powerCommand(
  env: AppEnv,
  action: 'fail' | 'recover',
  options: LabTarget & { server: string },
): Promise<number> {
  const { io } = env;
  const lab = await resolveLabName(options);
  const runtime = await env.connect();
  const started = performance.now();
  if (action === 'fail') {
    await failServer(runtime, lab, options.server);
    io.stderr.write(
      `${options.server} is down (every component stopped, then the server) in ${formatDuration(performance.now() - started)}.\n` +
        `  watch: infra status${nameFlag(lab)} · bring it back: infra recover ${options.server}${nameFlag(lab)}\n`,
    );
  } else {
    await recoverServer(runtime, lab, options.server, { clock: env.clock });
    io.stderr.write(
      `${options.server} is back: healthy and in HAProxy's rotation after ${formatDuration(performance.now() - started)}\n`,
    );
  }
  return EXIT.ok;
}
