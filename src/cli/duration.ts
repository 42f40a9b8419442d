// Durations as people type them on a command line: 90s, 30m, 2h, 1d.
import { InvalidArgumentError } from 'commander';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function parseDuration(value: string): number {
  const match = /^(\d+)(s|m|h|d)$/.exec(value.trim());
  if (!match || Number(match[1]) === 0) {
    throw new InvalidArgumentError('must be a duration such as 90s, 30m, 2h or 1d.');
  }
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}
