// Docker Compose v2 through execa: the lab folder's compose.yaml is the single description of what runs.
import { execa } from 'execa';
import path from 'node:path';
import { CommandError } from '../errors.js';
import { LAB_FILES } from '../paths.js';

export interface ComposeResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Runs `docker compose -f <dir>/compose.yaml <args>`; throws CommandError with the output on failure unless told not to. */
export async function compose(dir: string, args: string[], options: { reject?: boolean } = {}): Promise<ComposeResult> {
  const full = ['compose', '--project-directory', dir, '-f', path.join(dir, LAB_FILES.compose), ...args];
  const result = await execa('docker', full, { reject: false, all: true, env: { COMPOSE_ANSI: 'never' } });
  const out = { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? 1 };
  if (out.exitCode !== 0 && options.reject !== false) {
    throw new CommandError(`docker ${full.join(' ')}`, String(result.all ?? result.stderr));
  }
  return out;
}
