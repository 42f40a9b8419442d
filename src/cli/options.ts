// The options and value parsers the commands share: each flag spelt, explained and checked in one place.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { checkLabName } from '../topology/types.js';
import { PROFILES, type Profile } from '../profiles/names.js';

/** The flags every lab command takes: which lab definition, which lab, which lab folder (and -v, global). */
export interface Common {
  config?: string;
  name?: string;
  dir?: string;
  verbose?: boolean;
}

export function parsePort(value: string): number | 'auto' {
  if (value === 'auto') return 'auto';
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidArgumentError('must be a port from 1 to 65535, or "auto".');
  }
  return port;
}

/** A port to listen on: 0 for any free one. */
export function parseListenPort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError('must be a port from 1 to 65535, or 0 for any free one.');
  }
  return port;
}

export function parseProfiles(value: string): Profile[] {
  // `none` clears the profiles a lab folder or infra.yaml recorded.
  if (value.trim() === 'none') return [];
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(PROFILES as readonly string[]).includes(n));
  if (unknown.length > 0 || names.length === 0) {
    throw new InvalidArgumentError(
      `${unknown.length ? `unknown profile ${unknown.join(', ')}; ` : ''}name one or more of ${PROFILES.join(', ')}, comma-separated, or none.`,
    );
  }
  return names as Profile[];
}

export function parseLabName(value: string): string {
  const problem = checkLabName(value);
  if (problem) throw new InvalidArgumentError(`${problem}.`);
  return value;
}

export function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!/^\d+$/.test(value) || seconds < 1)
    throw new InvalidArgumentError('must be a whole number of seconds, 1 or more.');
  return seconds;
}

export const configOption = () =>
  new Option('-c, --config <file>', 'lab definition (default: ./infra.yaml if present, else the built-in lab)');
export const nameOption = () =>
  new Option('-n, --name <lab>', 'lab name (default: the lab folder\'s, else the file\'s, else "lab")').argParser(
    parseLabName,
  );
export const dirOption = () =>
  new Option('-d, --dir <dir>', "lab folder: the command acts on that folder's lab (default: ./infra-labs/<name>)");
export const profileOption = () =>
  new Option(
    '--profile <list>',
    `profiles, comma-separated (${PROFILES.join(', ')}), or none; replaces those of infra.yaml or the lab folder`,
  ).argParser(parseProfiles);
export const seedOption = () =>
  new Option(
    '--seed <id>',
    "a student's id: varies the lab's starting rows and the drills' details, the same way for the same id",
  );
export const portOption = () =>
  new Option('-p, --port <port>', 'LB port on 127.0.0.1, or "auto" for a free one (default: 8080)').argParser(
    parsePort,
  );

/** The lab options every lab command takes (`Common`): -c, -n and -d, first in its help. */
export function labOptions(command: Command): Command {
  return command.addOption(configOption()).addOption(nameOption()).addOption(dirOption());
}
