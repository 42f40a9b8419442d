// One status vocabulary for steps, checks and doctor: passed, failed or skipped.
export type Status = 'passed' | 'failed' | 'skipped';

/** `up --json` has always spelled a passed step `ok`; scripts read it, so its JSON keeps that spelling. */
export type StepStatusJson = 'ok' | 'failed' | 'skipped';

export function stepStatusJson(status: Status): StepStatusJson {
  return status === 'passed' ? 'ok' : status;
}
