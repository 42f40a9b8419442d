// What `infra load` found: each run's report (with the writes found on every database), the failure window of
// `--during`, and `--compare`'s ratio. Data only: the use case (src/app/load.ts) fills it, presenters say it.
import type { LoadReport } from './tally.js';

/** What a run asks for: GET / (the page), POST /api/visits (writes), or per connection a write, the read of it, the page. */
export type LoadPath = '/' | '/api/visits' | 'mix';

export interface FailureWindow {
  command: string;
  exit_code: number;
  output: string;
  /** Seconds into the run when it started, and how long it took. */
  started_s: number;
  took_s: number;
  /** Requests that failed from its start until the rate recovered (or the run ended). */
  failed: number;
  /** Seconds from its start until a second at the usual rate with no failure; null: not within the run. */
  recovered_after_s: number | null;
}

export interface LoadRun {
  /** What it ran against: every web server, or one (`--compare`'s first run). */
  servers: string[];
  report: LoadReport & { writes?: { acknowledged: number; rows: Record<string, number | null> } };
  during?: FailureWindow;
}

export interface LoadResult {
  lab: string;
  url: string;
  connections: number;
  rate: number | null;
  path: LoadPath;
  runs: LoadRun[];
  /** `--compare`: requests per second against one web server and against all, and all ÷ one. */
  compare?: { one: number; all: number; ratio: number };
}
