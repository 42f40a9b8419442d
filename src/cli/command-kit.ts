// What every command module gets from main: the terminal, the use cases' environment, and the two pieces of wiring
// each command repeats (an action that records its exit code; the lab target its flags name).
import type { OptionValues } from 'commander';
import type { AppEnv } from '../app/context.js';
import type { Io } from '../log.js';
import type { Common } from './options.js';

export interface CommandKit {
  io: Io;
  /** The environment a use case runs with; `signal` aborts it (Ctrl-C, through untilInterrupted). */
  env(signal?: AbortSignal): AppEnv;
  /** Commander's action for a command: its options (as the command declares them) and arguments go to `fn`. */
  run<O extends OptionValues>(
    fn: (opts: O & { args: string[] }) => Promise<number | void>,
  ): (...args: unknown[]) => Promise<void>;
  /** The options every lab command shares: where it runs, which file, which lab. */
  target(o: Common): { cwd: string; config?: string; name?: string; dir?: string };
}
