// How a long use case tells what it is doing (docs/ARCHITECTURE.md, habit 3) without writing to a stream itself:
// its named steps (✓ ✗ – with durations as each ends), lines about the work under way, and each smoke check as it
// ends. On a terminal they go to stderr; under --json nothing is written and the steps are only recorded (the JSON
// result carries them). A use case asks its environment for one (`env.progress(options.json)`).
import type { CheckResult } from '../checks/check.js';
import type { Io } from '../log.js';
import { terminalLine } from './smoke-report.js';
import { StepRunner, type StepRecord } from './steps.js';

export interface Progress {
  /** Runs one named step and reports it as it ends; `note` sets the detail shown beside it. */
  step<T>(name: string, fn: (note: (detail: string) => void) => Promise<T>): Promise<T>;
  /** A line about the work under way (a lab's servers, where a report was written, what to run next). */
  note(line: string): void;
  /** A smoke check's result, as it ends. */
  check(result: CheckResult): void;
  /** A line of what infra runs (an image build's output), asked for with --verbose: written under --json too. */
  output(line: string): void;
  /** Every step so far, for the JSON result. */
  readonly records: StepRecord[];
}

/** `quiet` (--json): records the steps, writes nothing. */
export function streamProgress(io: Io, quiet: boolean): Progress {
  const steps = new StepRunner(io, quiet);
  return {
    step: (name, fn) => steps.step(name, fn),
    note: (line) => {
      if (!quiet) io.stderr.write(`${line}\n`);
    },
    check: (result) => {
      if (!quiet) io.stderr.write(terminalLine(io, result));
    },
    output: (line) => io.stderr.write(`${line}\n`),
    records: steps.records,
  };
}

/** --verbose: each command infra runs (docker, ansible), indented under the step that runs it. */
export function commandLog(io: Io): (line: string) => void {
  return (line) => io.stderr.write(`  ${line}\n`);
}
