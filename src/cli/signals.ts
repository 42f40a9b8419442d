// Ctrl-C or a CI cancel (SIGTERM) aborts the signal a long use case watches: it finishes its current step, then
// cleans up. A second signal quits at once.
import type { Io } from '../log.js';

export async function untilInterrupted<T>(
  io: Io,
  /** What happens after the current step, for the message: "removing what this run created". */
  then: string,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort(signal);
    io.stderr.write(`\n${signal}: stopping after the current step, then ${then} (again to quit now)\n`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await fn(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
