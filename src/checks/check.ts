// What a smoke check is: a name, what it guards, and a function that returns what it saw or throws CheckFailure with
// what it saw. The context carries the lab model, its URL and lazy access to Docker, HAProxy and the databases.
import http from 'node:http';
import https from 'node:https';
import type { Lab } from '../topology/types.js';
import type { ComponentState, ContainerRuntime } from '../runtime/port.js';
import type { Clock } from '../wait/wait-for.js';
import type { SessionOpener } from '../database/session.js';
import type { Connections } from '../replication/apply.js';
import type { LabSecrets } from '../render/secrets.js';

import type { Status } from '../status.js';
import type { LoadBalancerPair } from '../ops/lb-pair.js';

export type { LoadBalancerPair, LoadBalancerState } from '../ops/lb-pair.js';

export type CheckStatus = Status;

export interface CheckResult {
  name: string;
  status: CheckStatus;
  duration_ms: number;
  detail: string;
}

/** What a check may use wherever the lab runs: in Docker, or on real servers (`infra smoke --inventory`). */
export interface PortableCheckContext {
  lab: Lab;
  /** The lab's URL through its published port (HTTPS when the lab is secured), or the servers' LB. */
  url: string;
  /** Secured labs: the lab CA's certificate that `url` is checked against. */
  ca?: string;
  clock: Clock;
  /** Opens a database session as another user (the app's), through a forwarded port. */
  openSession: SessionOpener;
  secrets: LabSecrets;
  /** Admin sessions to every database, opened on first use and shared by the checks. */
  databases(): Promise<Connections>;
  /** Database port on 127.0.0.1 of each server, forwarded (for logging in as other users). */
  databasePorts(): Promise<Record<string, number>>;
  /** HAProxy's state of each web server: UP, DOWN, MAINT, `UP 1/2` while rising. */
  backendStates(): Promise<Record<string, string>>;
  /** Monitored labs: Prometheus's URL on 127.0.0.1 (published, or through an SSH tunnel). */
  monitorUrl?: string;
  /** `redundant`: the LB pair, read from its containers or over SSH from the servers. */
  pair?: LoadBalancerPair;
}

/** The Docker lab's checks may also read its containers and folder. */
export interface CheckContext extends PortableCheckContext {
  /** Secured labs: the plain-HTTP URL (it redirects). */
  httpUrl?: string;
  /** The lab folder (the CA, the firewall files). */
  dir: string;
  runtime: ContainerRuntime;
  containers: ComponentState[];
  /** The lab's haproxy container, for its runtime API. */
  haproxy: string;
}

export interface Check<C extends PortableCheckContext = CheckContext> {
  name: string;
  /** One line on what the check proves, for --help and reports. */
  guards: string;
  /** Checks of a profile run only on labs that have it (and are not listed for the others). */
  appliesTo?(lab: Lab): boolean;
  run(context: C): Promise<string>;
}

/** A check saw something wrong; `message` says what, in terms a student can act on. */
export class CheckFailure extends Error {}
/** A check could not run meaningfully (a precondition another check guards is broken). */
export class CheckSkipped extends Error {}

export interface HttpAnswer {
  status: number;
  servedBy: string | null;
  headers: http.IncomingHttpHeaders;
  body: string;
  ms: number;
}

export interface RequestOptions {
  method?: string;
  /** Asks HAProxy for one web server. */
  pin?: string;
  timeoutMs?: number;
  /** HTTPS: the only CA trusted (the lab's), so a certificate it did not sign fails the request. */
  ca?: string;
  /** HTTPS: the name the certificate must carry, and the Host header (default: the URL's host). */
  servername?: string;
  /**
   * A connection of its own, closed after the answer: a visitor arriving now, not a request on a kept-alive
   * connection that a stopped server may have closed (a browser would silently retry that one).
   */
  newConnection?: boolean;
}

/**
 * One request to the lab through its published port, over node:http(s) (fetch cannot trust a CA of our own).
 * Redirects are not followed: a check sees what the LB answered. As a browser does, a GET sent on a kept-alive
 * connection that the other end had just closed is sent once more on a new one (RFC 9112, 9.3.1): a race of the
 * connection pool (a relay such as the edge's widens it), not an answer of the lab. A write (POST) is not sent
 * twice, so it always goes on a new connection.
 */
export async function request(url: string, options: RequestOptions = {}): Promise<HttpAnswer> {
  // A write is never sent again, so it never rides a kept-alive connection that may just have closed.
  if ((options.method ?? 'GET') !== 'GET') return requestOnce(url, { ...options, newConnection: true });
  try {
    return await requestOnce(url, options);
  } catch (error) {
    if (!(error as { reusedSocket?: boolean }).reusedSocket) throw error;
    return requestOnce(url, { ...options, newConnection: true });
  }
}

function requestOnce(url: string, options: RequestOptions): Promise<HttpAnswer> {
  const started = performance.now();
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  const headers: Record<string, string> = {};
  if (options.pin) headers['x-infra-server'] = options.pin;
  if (options.servername) headers.host = `${options.servername}:${target.port}`;
  return new Promise((resolve, reject) => {
    const client = secure ? https : http;
    const req = client.request(
      target,
      {
        method: options.method ?? 'GET',
        headers,
        ...(options.newConnection ? { agent: false } : {}),
        ...(secure ? { ca: options.ca, servername: options.servername } : {}),
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            servedBy: headerOf(response.headers['x-served-by']),
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
            ms: performance.now() - started,
          }),
        );
      },
    );
    // Whether the request went out on a pooled connection: only such a failure is worth a second try.
    req.on('error', (error) => reject(Object.assign(error, { reusedSocket: req.reusedSocket })));
    req.end();
  });
}

/** One request a visitor sent while a check broke something, and how it ended. */
export interface Visit {
  ok: boolean;
  servedBy: string | null;
  started: number;
  ended: number;
  detail: string;
}

/**
 * `count` visitors sending GET `url` one after another each, until stopped: the steady traffic a failover check
 * breaks something under. Every answer (200 or not) and every failure is kept, in the order they ended.
 */
export function visitors(
  url: string,
  count: number,
  options: RequestOptions,
): { visits: Visit[]; stop(): Promise<void> } {
  const visits: Visit[] = [];
  let running = true;
  const loops = Array.from({ length: count }, async () => {
    while (running) {
      const started = performance.now();
      try {
        const answer = await request(url, options);
        const detail = `HTTP ${answer.status}`;
        visits.push({
          ok: answer.status === 200,
          servedBy: answer.servedBy,
          started,
          ended: performance.now(),
          detail,
        });
      } catch (error) {
        visits.push({ ok: false, servedBy: null, started, ended: performance.now(), detail: (error as Error).message });
      }
    }
  });
  return {
    visits,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

function headerOf(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

export function json<T>(answer: HttpAnswer): T {
  try {
    return JSON.parse(answer.body) as T;
  } catch {
    throw new CheckFailure(`expected JSON, got ${answer.status}: ${answer.body.slice(0, 120)}`);
  }
}
