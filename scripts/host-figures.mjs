// What the benchmarks read of the host: its busy CPU ticks (Linux /proc/stat) and `docker stats`' memory figures.
import { readFileSync } from 'node:fs';

/** The host's busy CPU so far, in ticks of USER_HZ (100 a second on Linux): ticks per second are % of one core. */
export function busyTicks() {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return user + nice + system + irq + softirq + steal;
}

/** `12.5MiB / 23.5GiB` (docker stats' MemUsage) → 12.5, in MiB. */
export function toMiB(text) {
  const [, value, unit] = text.match(/([\d.]+)\s*([KMG]i?B)/) ?? [];
  return Number(value) * ({ KiB: 1 / 1024, MiB: 1, GiB: 1024 }[unit] ?? 0);
}
