// Reads the lab definition a command works on: --config FILE, else ./infra.yaml when present, else the built-in lab.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { DEFAULT_CONFIG_FILE } from '../paths.js';
import { buildLab, type LabOverrides } from './build-lab.js';
import type { LabDefinition } from './definition.js';
import type { Lab } from '../topology/types.js';

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
    text = await readDefinitionText(file);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || configFile) {
      throw new UsageError(`cannot read ${file}: ${(error as Error).message}`, [
        '--config: name an existing infra.yaml, or run `infra init` to write one',
      ]);
    }
  }
  if (text !== undefined) {
    // The YAML parser and the schema's validator load only when there is a file to read (not for the built-in lab).
    const { parseDefinition } = await import('./definition.js');
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

/** A lab definition is a few kilobytes (every profile and five servers with targets: under 4 KiB). */
export const MAX_DEFINITION_BYTES = 1024 * 1024;

/** The file's text: refused at once when it is far too big to be a lab definition, or not UTF-8. */
async function readDefinitionText(file: string): Promise<string> {
  const { size } = await stat(file);
  if (size > MAX_DEFINITION_BYTES) {
    throw new UsageError(`${file} is ${size} bytes; a lab definition is a few kilobytes (at most 1 MiB)`, [
      '--config: is it the right file? `infra init` writes one to start from',
    ]);
  }
  const bytes = await readFile(file);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError(`${file} is not UTF-8 text`, [
      '--config: save the file as UTF-8 (the encoding YAML files use), or name another',
    ]);
  }
}
