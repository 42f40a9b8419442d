// Deterministic variation from a lab's seed (`--seed STUDENT-ID`): the same seed picks the same values every time,
// another seed other values, so a copied answer does not fit another student's lab.
import { createHash } from 'node:crypto';

/** A whole number in [0, n), from the seed and what is being chosen (so two choices do not move together). */
export function seeded(seed: string | undefined, what: string, n: number): number {
  if (seed === undefined || n <= 1) return 0;
  return createHash('sha256').update(`${seed}\0${what}`).digest().readUInt32BE(0) % n;
}

export function pick<T>(seed: string | undefined, what: string, choices: readonly T[]): T {
  return choices[seeded(seed, what, choices.length)];
}
