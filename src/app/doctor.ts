// Use case `doctor`: checks what `up` needs from this machine and prints, for each miss, how to fix it.
import os from 'node:os';
import type { Io } from '../log.js';
import { painter } from '../log.js';
import { EXIT } from '../errors.js';
import { composeVersion, connectRuntime, type Runtime } from '../runtime/docker.js';
import { hasImage } from '../runtime/images.js';
import { BASE_IMAGE } from '../render/images.js';
import { loadLab } from '../topology/load-lab.js';
import { isPortFree } from './free-port.js';
import { lbPortUse } from './lb-port.js';

interface Finding {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

const MIN_FREE_MEMORY = 1024 ** 3;

export async function doctorCommand(
  io: Io,
  options: { cwd: string; config?: string; name?: string; port?: number | 'auto' },
): Promise<number> {
  const { lab } = await loadLab(options.cwd, options.config, { name: options.name, port: options.port });
  const findings: Finding[] = [];
  let runtime: Runtime | undefined;
  try {
    runtime = await connectRuntime();
    const info = await runtime.docker.version();
    findings.push({ name: 'docker engine', ok: true, detail: `${info.Version} (API ${info.ApiVersion})` });
  } catch (error) {
    findings.push({
      name: 'docker engine',
      ok: false,
      detail: (error as Error).message,
      fix: 'start Docker (`sudo systemctl start docker`)',
    });
  }
  try {
    findings.push({ name: 'compose v2', ok: true, detail: await composeVersion() });
  } catch (error) {
    findings.push({
      name: 'compose v2',
      ok: false,
      detail: (error as Error).message,
      fix: 'install docker-compose-plugin',
    });
  }
  if (runtime) {
    const base = await hasImage(runtime.docker, BASE_IMAGE);
    findings.push({
      name: 'base image',
      ok: base,
      detail: base ? `${BASE_IMAGE} present` : `${BASE_IMAGE} missing`,
      fix: base
        ? undefined
        : `\`docker pull ${BASE_IMAGE}\` (with no registry: build it with debootstrap and \`docker import\`)`,
    });
  }
  if (lab.port !== 'auto') {
    const use = runtime ? await lbPortUse(runtime.docker, lab.name, lab.port) : undefined;
    const free = use ? !use.taken : await isPortFree(lab.port);
    const holder = use?.taken && use.holder ? ` by the lab "${use.holder.lab}"` : '';
    findings.push({
      name: 'lb port',
      ok: free,
      detail:
        use && !use.taken && use.byThisLab
          ? `127.0.0.1:${lab.port} (lab "${lab.name}" has it)`
          : `127.0.0.1:${lab.port} ${free ? 'free' : `in use${holder}`}`,
      fix: free ? undefined : 'choose another with `--port <n>` or `--port auto`',
    });
  }
  const free = os.freemem();
  findings.push({
    name: 'free memory',
    ok: free >= MIN_FREE_MEMORY,
    detail: `${(free / 1024 ** 3).toFixed(1)} GiB free (a lab needs about 0.3 GiB, 1 GiB recommended)`,
    fix: free >= MIN_FREE_MEMORY ? undefined : 'stop other labs (`infra reset --all`) or programs',
  });

  const paint = painter(io.stdout, io.env);
  for (const f of findings) {
    io.stdout.write(`${f.ok ? paint('green', '✓') : paint('red', '✗')} ${f.name.padEnd(14)} ${f.detail}\n`);
    if (f.fix) io.stdout.write(`  fix: ${f.fix}\n`);
  }
  if (findings.find((f) => !f.ok && (f.name === 'docker engine' || f.name === 'compose v2'))) return EXIT.environment;
  return findings.every((f) => f.ok) ? EXIT.ok : EXIT.failed;
}
