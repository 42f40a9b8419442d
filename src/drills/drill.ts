// A break-fix drill, as a small YAML file in drills/: a title, the story a student reads, what infra breaks (never
// shown by `drill start`), hints, and the smoke checks that prove it fixed. Loaded and checked here, so a broken
// drill file fails a unit test, not a classroom.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { drillsDir } from '../paths.js';
import { pick } from '../topology/seed.js';
import { PROFILES, type Profile } from '../profiles/names.js';
import { FAULT_KINDS, type FaultKind } from '../faults/fault.js';

/** One thing infra does to a running lab; containers are named as in the lab (`web-02-nginx`, `web-01`). */
export type DrillStep =
  | { edit: { file: string; from: string; to: string } }
  | { exec: { container: string; command: string[] } }
  | { stop: { container: string } }
  /** Freezes a container's processes (docker pause): it neither answers nor dies. */
  | { pause: { container: string } }
  | { unpause: { container: string } }
  | { restart: string }
  | { haproxy: string }
  | { sql: { server: string; statement: string } }
  /** A replica applying events this late on purpose (its flavour's delayed replication; '0' undoes it). */
  | { lag: { server: string; seconds: string } }
  /**
   * A fault as `infra fault` makes it (recorded with the lab, so status lists it and `infra heal` or `drill reset`
   * undoes it); `amount` in the fault's unit (%, kbit/s, s), a string so that it can vary with the seed.
   */
  | { fault: { kind: FaultKind; servers: string[]; amount?: string } }
  /** Seconds to let the break show (a scrape, a health check) before the student's first check. */
  | { wait: number };

export interface Drill {
  name: string;
  title: string;
  story: string;
  /** The profile the lab needs (secured, monitored), if any. */
  profile?: Profile;
  breaks: DrillStep[];
  hints: string[];
  /** Smoke checks that pass once it is fixed. */
  proves: string[];
  /** What `drill reset` does besides restoring the lab's files and converging it with `up`. */
  reset: DrillStep[];
  /** Details that vary with the lab's seed: `{key}` in a step is one of these values, the same for the same seed. */
  vary?: Record<string, string[]>;
}

/** The drill's varying details for this lab's seed. */
export function drillChoices(drill: Drill, seed: string | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(drill.vary ?? {}).map(([key, values]) => [key, pick(seed, `${drill.name}/${key}`, values)]),
  );
}

/** The steps with every `{key}` replaced by its chosen value. */
export function withChoices(steps: DrillStep[], choices: Record<string, string>): DrillStep[] {
  const fill = (value: unknown): unknown => {
    if (typeof value === 'string') return value.replace(/\{(\w+)\}/g, (all, key: string) => choices[key] ?? all);
    if (Array.isArray(value)) return value.map(fill);
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]));
    return value;
  };
  return steps.map((step) => fill(step) as DrillStep);
}

const STEP_KINDS = ['edit', 'exec', 'stop', 'pause', 'unpause', 'restart', 'haproxy', 'sql', 'lag', 'fault', 'wait'];

export function parseDrill(name: string, text: string, checkNames: readonly string[]): Drill {
  const raw = parse(text) as Partial<Drill> | null;
  const problems: string[] = [];
  if (!raw || typeof raw !== 'object') throw new Error(`drills/${name}.yaml is not a mapping`);
  for (const field of ['title', 'story'] as const)
    if (typeof raw[field] !== 'string') problems.push(`${field}: required`);
  if (!Array.isArray(raw.breaks) || raw.breaks.length === 0) problems.push('breaks: at least one step');
  if (!Array.isArray(raw.hints) || raw.hints.length === 0) problems.push('hints: at least one');
  if (!Array.isArray(raw.proves) || raw.proves.length === 0) problems.push('proves: at least one check');
  for (const check of raw.proves ?? []) if (!checkNames.includes(check)) problems.push(`proves: no check "${check}"`);
  if (raw.profile !== undefined && !PROFILES.includes(raw.profile)) problems.push(`profile: "${raw.profile}" unknown`);
  for (const step of [...(raw.breaks ?? []), ...(raw.reset ?? [])]) {
    const kinds = Object.keys(step);
    if (kinds.length !== 1 || !STEP_KINDS.includes(kinds[0]))
      problems.push(`a step must be one of ${STEP_KINDS.join(', ')}`);
    const fault = (step as { fault?: { kind?: string } }).fault;
    if (fault && !FAULT_KINDS.includes(fault.kind as FaultKind))
      problems.push(`fault: kind "${fault.kind}" unknown (one of ${FAULT_KINDS.join(', ')})`);
  }
  if (problems.length > 0) throw new Error(`drills/${name}.yaml: ${problems.join('; ')}`);
  return { name, reset: [], ...(raw as Omit<Drill, 'name' | 'reset'>) } as Drill;
}

export function loadDrills(checkNames: readonly string[], dir = drillsDir): Drill[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => parseDrill(f.replace(/\.yaml$/, ''), readFileSync(path.join(dir, f), 'utf8'), checkNames));
}
