// Use case `ls`: every lab on this engine, as `kind get clusters` and `containerlab inspect --all` list theirs:
// name, state, health, URL, age and folder, read from labels alone.
import type { AppEnv } from './context.js';
import { summarise } from './status.js';
import { readDrillState } from './drill.js';
import { readFaults } from '../ops/fault-record.js';
import { readLabState } from '../render/write-lab.js';

export interface LabListing {
  name: string;
  /** running: every server up; partial: some; stopped: containers but none running; data-only: volumes only. */
  state: 'running' | 'partial' | 'stopped' | 'data-only';
  healthy: boolean;
  url: string | null;
  dir: string | null;
  /** Seconds since its oldest server started, or null when none runs. */
  age_seconds: number | null;
  /** When `infra reap` may remove it, or null. */
  expires_at: string | null;
  /** The infra version that rendered its containers (their label), or null: an infra before 0.2.0. */
  infra_version: string | null;
  /** The seed its data and drills vary by (`infra up --seed`), or null. */
  seed: string | null;
  /**
   * The drill running on it: when it started, what its last `drill check` said (null: not checked yet) and when,
   * and when a check first found it solved; or null.
   */
  drill: {
    name: string;
    solved: boolean | null;
    started_at: string;
    checked_at: string | null;
    solved_at: string | null;
  } | null;
  /** Its active faults (`infra fault`): each one's name, what it does and when it was made. */
  faults: { id: string; made_at: string; what: string }[];
}

export async function listLabs(env: AppEnv): Promise<LabListing[]> {
  const runtime = await env.connect();
  const [names, containers] = await Promise.all([runtime.labNames(), runtime.containers()]);
  const listings = names.map((name): LabListing => {
    const mine = containers.filter((c) => c.lab === name);
    const status = summarise(name, mine);
    const hosts = mine.filter((c) => c.component === 'host');
    const running = hosts.filter((c) => c.state === 'running');
    const oldest = Math.min(...running.map((c) => Date.parse(c.startedAt)).filter(Number.isFinite));
    return {
      name,
      state:
        hosts.length === 0
          ? 'data-only'
          : running.length === hosts.length
            ? 'running'
            : running.length > 0
              ? 'partial'
              : 'stopped',
      healthy: status.healthy,
      url: status.url,
      dir: status.dir,
      age_seconds: Number.isFinite(oldest) ? Math.round((env.clock.now() - oldest) / 1000) : null,
      expires_at: status.expires_at,
      infra_version: status.infra.version,
      seed: null,
      drill: null,
      faults: [],
    };
  });
  // An instructor's room summary (`infra room status` reads it, here or over SSH): each lab's seed, the drill it
  // runs, solved or not and when, its faults.
  for (const listing of listings) {
    if (!listing.dir) continue;
    const [drill, state] = await Promise.all([readDrillState(listing.dir), readLabState(listing.dir)]);
    listing.seed = state?.definition?.seed ?? null;
    if (drill) {
      listing.drill = {
        name: drill.drill,
        solved: drill.last_check?.solved ?? null,
        started_at: drill.started_at,
        checked_at: drill.last_check?.at ?? null,
        solved_at: drill.solved_at ?? null,
      };
    }
    if (listing.state !== 'data-only') {
      listing.faults = (await readFaults(listing.dir)).map(({ id, made_at, what }) => ({ id, made_at, what }));
    }
  }
  return listings;
}
