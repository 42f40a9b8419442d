// Composable readiness waits (docs/ARCHITECTURE.md, habit 6): poll a probe until it yields a value, with a timeout
// that always fails loudly with what was last seen. The clock is injected so waits are unit-tested without sleeping.
import { StepError } from '../errors.js';

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** What a probe saw: `done` with a value, or not yet, with a description of the state for the timeout message. */
export type Probe<T> = () => Promise<{ done: true; value: T } | { done: false; seen: string }>;

export interface WaitOptions {
  /** What is awaited, for the message: "web-01 UP in HAProxy". */
  what: string;
  timeoutMs: number;
  intervalMs: number;
  clock?: Clock;
}

/** Polls until the probe is done; a probe that throws ends the wait with its error. */
export async function waitFor<T>(probe: Probe<T>, options: WaitOptions): Promise<T> {
  const clock = options.clock ?? realClock;
  const deadline = clock.now() + options.timeoutMs;
  for (;;) {
    const result = await probe();
    if (result.done) return result.value;
    if (clock.now() >= deadline) {
      throw new StepError(
        `timed out after ${(options.timeoutMs / 1000).toFixed(1)} s waiting for ${options.what} (last seen: ${result.seen})`,
      );
    }
    await clock.sleep(options.intervalMs);
  }
}
