// What a smoke check is: a name, what it guards, and a function that returns what it saw or throws CheckFailure with
// what it saw. The context carries the lab model, its URL and lazy access to Docker, HAProxy and the databases.
import type { Lab } from '../topology/types.js';
import type { ComponentState, ContainerRuntime } from '../runtime/port.js';
import type { Clock } from '../wait/wait-for.js';
import type { SessionOpener } from '../database/session.js';
import type { Connections } from '../replication/apply.js';
import type { LabSecrets } from '../render/secrets.js';

import type { Status } from '../report/status.js';

export type CheckStatus = Status;

export interface CheckResult {
  name: string;
  status: CheckStatus;
  duration_ms: number;
  detail: string;
}

export interface CheckContext {
  lab: Lab;
  url: string;
  runtime: ContainerRuntime;
  clock: Clock;
  /** Opens a database session as another user (the app's), through a forwarder port. */
  openSession: SessionOpener;
  containers: ComponentState[];
  /** The lab's haproxy container, for its runtime API. */
  haproxy: string;
  secrets: LabSecrets;
  /** Root sessions to every database, opened on first use and shared by the checks. */
  databases(): Promise<Connections>;
  /** Database port on 127.0.0.1 of each server, through the same forwarder (for logging in as other users). */
  databasePorts(): Promise<Record<string, number>>;
}

export interface Check {
  name: string;
  /** One line on what the check proves, for --help and reports. */
  guards: string;
  run(context: CheckContext): Promise<string>;
}

/** A check saw something wrong; `message` says what, in terms a student can act on. */
export class CheckFailure extends Error {}
/** A check could not run meaningfully (a precondition another check guards is broken). */
export class CheckSkipped extends Error {}

export interface HttpAnswer {
  status: number;
  servedBy: string | null;
  body: string;
  ms: number;
}

/** One request to the lab through its published port; `pin` asks HAProxy for one web server. */
export async function request(
  url: string,
  options: { method?: string; pin?: string; timeoutMs?: number } = {},
): Promise<HttpAnswer> {
  const started = performance.now();
  const response = await fetch(url, {
    method: options.method ?? 'GET',
    headers: options.pin ? { 'x-infra-server': options.pin } : {},
    signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
  });
  const body = await response.text();
  return {
    status: response.status,
    servedBy: response.headers.get('x-served-by'),
    body,
    ms: performance.now() - started,
  };
}

export function json<T>(answer: HttpAnswer): T {
  try {
    return JSON.parse(answer.body) as T;
  } catch {
    throw new CheckFailure(`expected JSON, got ${answer.status}: ${answer.body.slice(0, 120)}`);
  }
}
