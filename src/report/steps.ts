// A named list of steps with status lines (docs/ARCHITECTURE.md, habit 3): each step prints ✓, ✗ or – with its
// duration as it ends, and the record of every step is kept for --json.
import { formatDuration, painter, type Io } from '../log.js';
import { stepStatusJson, type Status, type StepStatusJson } from '../status.js';

export interface StepRecord {
  name: string;
  status: Status;
  duration_ms: number;
  detail?: string;
}

/** A step as `up --json` prints it. */
export interface StepJson {
  name: string;
  status: StepStatusJson;
  duration_ms: number;
  detail?: string;
}

export function stepsJson(records: StepRecord[]): StepJson[] {
  return records.map((r) => ({ ...r, status: stepStatusJson(r.status) }));
}

/** Thrown inside a step to end it as skipped, with the reason shown. */
export class SkipStep extends Error {}

export class StepRunner {
  readonly records: StepRecord[] = [];
  private readonly paint;

  constructor(
    private readonly io: Io,
    private readonly quiet: boolean,
  ) {
    this.paint = painter(io.stderr, io.env);
  }

  async step<T>(name: string, fn: (note: (detail: string) => void) => Promise<T>): Promise<T> {
    const started = performance.now();
    let detail: string | undefined;
    const note = (d: string) => {
      detail = d;
    };
    if (!this.quiet && this.io.stderr.isTTY) this.io.stderr.write(`  … ${name}\r`);
    try {
      const value = await fn(note);
      this.finish(name, 'passed', performance.now() - started, detail);
      return value;
    } catch (error) {
      if (error instanceof SkipStep) {
        this.finish(name, 'skipped', performance.now() - started, error.message);
        return undefined as T;
      }
      this.finish(name, 'failed', performance.now() - started, (error as Error).message);
      throw error;
    }
  }

  private finish(name: string, status: Status, ms: number, detail?: string): void {
    this.records.push({ name, status, duration_ms: Math.round(ms), ...(detail ? { detail } : {}) });
    if (this.quiet) return;
    const mark =
      status === 'passed'
        ? this.paint('green', '✓')
        : status === 'failed'
          ? this.paint('red', '✗')
          : this.paint('yellow', '–');
    const line = `${mark} ${name.padEnd(14)} ${formatDuration(ms).padStart(6)}${detail ? `  ${this.paint('dim', detail)}` : ''}`;
    this.io.stderr.write(`\x1b[2K`.repeat(this.io.stderr.isTTY ? 1 : 0) + line + '\n');
  }
}
