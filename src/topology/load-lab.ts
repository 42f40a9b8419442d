// Reads the lab definition a command works on: --config FILE, else ./infra.yaml when present, else the built-in lab.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { DEFAULT_CONFIG_FILE } from '../paths.js';
import { buildLab, type LabOverrides } from './build-lab.js';
import { parseDefinition, type LabDefinition } from './definition.js';
import type { Lab } from './types.js';

export interface PortsChosen {
  http: boolean;
  https: boolean;
  monitor: boolean;
}

export interface LoadedLab {
  lab: Lab;
  /** What the file said (empty for the built-in lab): the lab folder keeps it. */
  definition: LabDefinition;
  /** The file it came from, or undefined for the built-in lab. */
  configFile?: string;
  /** Which published ports were chosen (flag or file) rather than defaulted: a chosen one replaces the kept one. */
  portsChosen: PortsChosen;
}

/**
 * `recorded`: the definition a lab folder was rendered from, used when neither --config nor ./infra.yaml names
 * one, so `infra up` inside a lab folder brings back that lab, not the built-in one.
 */
export async function loadLab(
  cwd: string,
  configFile: string | undefined,
  overrides: LabOverrides,
  recorded?: LabDefinition,
): Promise<LoadedLab> {
  const file = configFile ? path.resolve(cwd, configFile) : path.join(cwd, DEFAULT_CONFIG_FILE);
  let definition: LabDefinition = {};
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || configFile) {
      throw new UsageError(`cannot read ${file}: ${(error as Error).message}`, [
        '--config: name an existing infra.yaml, or run `infra init` to write one',
      ]);
    }
  }
  if (text !== undefined) {
    const parsed = parseDefinition(text, path.relative(cwd, file) || file);
    if (!parsed.ok) throw new UsageError(`${path.relative(cwd, file) || file} is invalid`, parsed.problems);
    definition = parsed.definition;
  } else if (recorded) {
    definition = recorded;
  }
  const label =
    text !== undefined
      ? path.relative(cwd, file) || file
      : recorded
        ? "the lab folder's definition"
        : 'the built-in lab';
  // `--profile` is part of what the lab folder records: commands run later in that folder mean the same lab.
  if (overrides.profiles) definition = { ...definition, profiles: overrides.profiles };
  if (overrides.seed !== undefined) definition = { ...definition, seed: overrides.seed };
  try {
    return {
      lab: buildLab(definition, overrides),
      definition,
      configFile: text !== undefined ? file : undefined,
      // `--port` speaks for every published port (`--port auto` makes them all free ones); the file, for each its own.
      portsChosen: {
        http: overrides.port !== undefined || definition.port !== undefined,
        https: overrides.port !== undefined || definition.httpsPort !== undefined,
        monitor: overrides.port !== undefined || definition.monitorPort !== undefined,
      },
    };
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(`${label} is invalid`, error.problems);
    throw error;
  }
}
