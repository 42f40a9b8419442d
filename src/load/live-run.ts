// A load run as it happens, kept in the lab's folder second by second (`.infra/load-live.json`), so that another
// process — `infra watch`, serving the live page — can draw it: the rate and failures of each second, who answered,
// the failure `--during` made and when.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LAB_FILES } from '../paths.js';
import { replaceJson } from '../render/write-lab.js';
import type { LoadPath } from './result.js';

export interface LiveRun {
  started_at: string;
  updated_at: string;
  running: boolean;
  connections: number;
  path: LoadPath;
  /** Against which web servers (`--compare`'s first run: one). */
  servers: string[];
  per_second: number[];
  failed_per_second: number[];
  shares: Record<string, number>;
  during?: { command: string; at_s: number };
}

/** A run last written longer ago than this is not shown: its process went away without saying it ended. */
const STALE_MS = 30_000;

export async function writeLiveRun(dir: string, run: LiveRun): Promise<void> {
  await replaceJson(path.join(dir, LAB_FILES.loadLive), run);
}

/** The run to draw now: one running, or one that ended in the last half minute. */
export async function readLiveRun(dir: string, now: number): Promise<LiveRun | undefined> {
  try {
    const run = JSON.parse(await readFile(path.join(dir, LAB_FILES.loadLive), 'utf8')) as LiveRun;
    return now - Date.parse(run.updated_at) <= STALE_MS ? run : undefined;
  } catch {
    return undefined;
  }
}
