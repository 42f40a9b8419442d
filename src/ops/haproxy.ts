// HAProxy's runtime API, reached inside the LB's haproxy container (its TCP socket listens on the LB's loopback
// only): server states for status, `fail`/`recover` and the smoke checks, and maintenance for tests.
import http from 'node:http';
import https from 'node:https';
import { CommandError } from '../errors.js';
import { PORTS, STATS_PATH } from '../topology/lab-constants.js';
import type { ContainerRuntime } from '../runtime/port.js';
import { realClock, waitFor, type Clock } from '../wait/wait-for.js';

/** What HAProxy reports for a server: UP, DOWN, MAINT, `UP 1/2` while rising, …. */
export type BackendState = string;

/** Sends one command to the runtime API of a lab's haproxy container and returns the answer. */
export async function haproxyCommand(runtime: ContainerRuntime, container: string, command: string): Promise<string> {
  // bash's /dev/tcp: every haproxy image here has bash, none is guaranteed socat or nc.
  const script = `exec 3<>/dev/tcp/127.0.0.1/${PORTS.haproxyApi} && printf '%s\\n' "$1" >&3 && cat <&3`;
  const result = await runtime.exec(container, ['bash', '-c', script, 'haproxy-api', command]);
  if (result.exitCode !== 0) throw new CommandError(`haproxy runtime API: ${command}`, result.stderr || result.stdout);
  return result.stdout;
}

/** Each server of a backend with its state and counters, from one `show stat`. */
export async function serverCounters(
  runtime: ContainerRuntime,
  container: string,
  backend = 'web',
): Promise<Record<string, ServerCounters>> {
  return parseServerCounters(await haproxyCommand(runtime, container, 'show stat'), backend);
}

/** Status of each server of a backend as HAProxy sees it. */
export async function serverStates(
  runtime: ContainerRuntime,
  container: string,
  backend = 'web',
): Promise<Record<string, BackendState>> {
  return parseServerStates(await haproxyCommand(runtime, container, 'show stat'), backend);
}

/** Each server's state alone, from the same `show stat` rows. */
export function parseServerStates(csv: string, backend: string): Record<string, BackendState> {
  return Object.fromEntries(
    Object.entries(parseServerCounters(csv, backend)).map(([name, counters]) => [name, counters.status]),
  );
}

/** A web server as HAProxy counts it: its state, and the HTTP responses it gave (all, and 5xx) since HAProxy started. */
export interface ServerCounters {
  status: BackendState;
  responses: number;
  errors5xx: number;
  /** Connection attempts to it that HAProxy made again (wretr), and requests it sent elsewhere instead (wredis):
   * failures no visitor saw. */
  retries: number;
  redispatches: number;
}

/** HAProxy's HTTP response classes in `show stat`: their sum is every response a server gave. */
const RESPONSE_CLASSES = ['hrsp_1xx', 'hrsp_2xx', 'hrsp_3xx', 'hrsp_4xx', 'hrsp_5xx', 'hrsp_other'];

/** Each server of a backend (not its BACKEND or FRONTEND rows), from `show stat`: its state and response counters. */
export function parseServerCounters(csv: string, backend: string): Record<string, ServerCounters> {
  const [header, ...rows] = csv.trim().split('\n');
  const columns = header.replace(/^# /, '').split(',');
  const at = (cells: string[], name: string) => Number(cells[columns.indexOf(name)]) || 0;
  const counters: Record<string, ServerCounters> = {};
  for (const row of rows) {
    const cells = row.split(',');
    const name = cells[columns.indexOf('svname')];
    if (cells[columns.indexOf('pxname')] !== backend || name === 'BACKEND' || name === 'FRONTEND') continue;
    counters[name] = {
      status: cells[columns.indexOf('status')],
      responses: RESPONSE_CLASSES.reduce((sum, c) => sum + at(cells, c), 0),
      errors5xx: at(cells, 'hrsp_5xx'),
      retries: at(cells, 'wretr'),
      redispatches: at(cells, 'wredis'),
    };
  }
  return counters;
}

/**
 * The same states from HAProxy's stats page on the LB's published port (`;csv`): one HTTP request on 127.0.0.1
 * instead of a `docker exec`, for `up`'s wait on its own freshly published lab.
 */
export async function publishedStates(
  endpoint: { url: string; ca?: string },
  backend = 'web',
): Promise<Record<string, BackendState>> {
  // node:http without an agent: each poll closes its connection, so none is left open to delay the exit (fetch's
  // pool keeps connections alive for seconds after the last request). HTTPS (secured labs) trusts the lab's CA.
  const url = `${endpoint.url}${STATS_PATH};csv`;
  const client = url.startsWith('https:') ? https : http;
  const csv = await new Promise<string>((resolve, reject) => {
    const request = client.get(url, { agent: false, timeout: 2000, ca: endpoint.ca }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve(body));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error('the stats page did not answer in 2 s')));
    request.on('error', reject);
  });
  return parseServerStates(csv, backend);
}

/**
 * Polls `read` until every one of `servers` is `state`; a timeout says what it last saw, a failing read ends the
 * wait with its error. Returns how long it took.
 */
export async function waitForStates(
  read: () => Promise<Record<string, BackendState>>,
  servers: string[],
  state: 'UP' | 'DOWN',
  deadline: number,
  options: { clock?: Clock; intervalMs?: number } = {},
): Promise<number> {
  const clock = options.clock ?? realClock;
  const started = clock.now();
  await waitFor(
    async () => {
      const states = await read();
      const pending = servers.filter((s) => states[s] !== state);
      // With one server the message already names it: only its state is news.
      const seen = (s: string) => (servers.length === 1 ? '' : `${s} `) + (states[s] ?? 'absent');
      return pending.length === 0
        ? { done: true, value: undefined }
        : { done: false, seen: pending.map(seen).join(', ') };
    },
    {
      what: `HAProxy to mark ${servers.join(', ')} ${state}`,
      timeoutMs: Math.max(0, deadline - started),
      intervalMs: options.intervalMs ?? 50,
      clock,
    },
  );
  return clock.now() - started;
}

/** Polls HAProxy's runtime API until `server` reaches `state` (UP, DOWN); returns how long it took. */
export function waitForBackend(
  runtime: ContainerRuntime,
  haproxyContainer: string,
  server: string,
  state: 'UP' | 'DOWN',
  deadline: number,
  clock: Clock = realClock,
): Promise<number> {
  return waitForStates(() => serverStates(runtime, haproxyContainer), [server], state, deadline, { clock });
}
