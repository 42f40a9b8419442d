// The profiles' names: optional additions to the lab, each a module of this folder (index.ts); the built-in lab has
// none. The one place they are spelt; everything outside src/profiles/ asks a lab's capabilities instead.
export const PROFILES = ['secured', 'monitored', 'redundant'] as const;

export type Profile = (typeof PROFILES)[number];
