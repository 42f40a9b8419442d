// The few error types infra raises (docs/ARCHITECTURE.md, habit 8). Each carries what a user needs to act and maps to
// an exit code: 0 ok, 1 a step or check failed, 2 bad usage or config, 3 environment (no engine, no Compose).

export const EXIT = { ok: 0, failed: 1, usage: 2, environment: 3 } as const;

/** Bad flags or a bad lab definition: the message names the field and the fix. */
export class UsageError extends Error {
  readonly exitCode = EXIT.usage;
  constructor(
    message: string,
    readonly problems: string[] = [],
  ) {
    super(message);
  }
}

/** Something this machine lacks (Docker engine, Compose v2, a free port): the message says how to get it. */
export class EnvironmentError extends Error {
  readonly exitCode = EXIT.environment;
}

/** A step of a use case failed; `detail` holds what was seen (a log tail, a command's output). */
export class StepError extends Error {
  readonly exitCode = EXIT.failed;
  constructor(
    message: string,
    readonly detail = '',
  ) {
    super(message);
  }
}

/** An external command failed: keeps the command line and the tail of its output. */
export class CommandError extends StepError {
  constructor(
    readonly command: string,
    output: string,
    summary = `command failed: ${command}`,
  ) {
    super(summary, tail(output, 30));
  }
}

export function tail(text: string, lines: number): string {
  const all = text.trimEnd().split('\n');
  return all.slice(Math.max(0, all.length - lines)).join('\n');
}

/** An error as `--json` prints it: scripts read `message`, the output's `detail` and the `problems` to fix. */
export function errorJson(error: unknown): { message: string; detail: string; problems: string[] } {
  return {
    message: (error as Error)?.message ?? String(error),
    detail: error instanceof StepError ? error.detail : '',
    problems: error instanceof UsageError ? error.problems : [],
  };
}

export function exitCodeOf(error: unknown): number {
  if (error instanceof UsageError || error instanceof EnvironmentError || error instanceof StepError) {
    return error.exitCode;
  }
  return EXIT.failed;
}
