// Which lab a command means: --name, else the name in --config / ./infra.yaml, else the built-in "lab".
import { loadLab } from '../topology/load-lab.js';

export async function resolveLabName(
  cwd: string,
  config: string | undefined,
  name: string | undefined,
): Promise<string> {
  const { lab } = await loadLab(cwd, config, { name });
  return lab.name;
}
