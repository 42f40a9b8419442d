// The load generator: autocannon (the only module that loads it, when a load starts: it is a fifth of a second of a
// command's start) sends the requests, on as many connections as asked or at a fixed rate, over HTTP or HTTPS;
// infra's tally (src/load/tally.ts) records what each response said — its status, latency, the web server that
// answered (X-Served-By), a write's id, a read that found that write missing.
import type { Tally } from '../load/tally.js';
import type { LoadPath } from '../load/result.js';

export type { LoadPath };

export interface LoadPlan {
  url: string;
  /** The lab CA's PEM, for an HTTPS url. */
  ca?: string;
  connections: number;
  /** Requests per second over all connections; absent: as fast as the connections go. */
  rate?: number;
  durationSeconds: number;
  path: LoadPath;
}

interface Context {
  id?: number;
}

type Request = {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  setupRequest?: (request: Request, context: Context) => Request;
  onResponse?: (status: number, body: string, context: Context, headers: Record<string, string>) => void;
};

/** Runs the load; resolves with how long it ran (ms) when it ends or `signal` stops it. */
export async function generateLoad(
  plan: LoadPlan,
  tally: Tally,
  signal: AbortSignal,
  onSecond?: (ms: number) => void,
): Promise<number> {
  const { default: autocannon } = await import('autocannon');
  const started = performance.now();
  const at = () => performance.now() - started;
  // autocannon calls a request's onResponse, then at once its 'response' event with the latency: the first keeps what
  // it read of the response here for the second.
  let last: { servedBy?: string; staleRead: boolean } = { staleRead: false };
  const seen = (status: number, headers: Record<string, string>, staleRead = false) => {
    last = { servedBy: headers['x-served-by'], staleRead };
  };
  const write: Request = {
    method: 'POST',
    path: '/api/visits',
    headers: { 'content-type': 'application/json' },
    onResponse: (status, body, context, headers) => {
      seen(status, headers);
      if (status === 201) {
        const id = Number((JSON.parse(body) as { id: number }).id);
        tally.write(id);
        context.id = id;
      }
    },
  };
  const readBack: Request = {
    method: 'GET',
    path: '/api/visits/0',
    // After a write that failed there is nothing to read back: the page instead.
    setupRequest: (request, context) => ({ ...request, path: context.id ? `/api/visits/${context.id}` : '/' }),
    onResponse: (status, _body, context, headers) => {
      const afterWrite = context.id !== undefined;
      if (afterWrite) tally.readAfterWrite(status === 200);
      seen(status, headers, afterWrite && status === 404);
      context.id = undefined;
    },
  };
  const page: Request = { method: 'GET', path: '/', onResponse: (status, _b, _c, headers) => seen(status, headers) };
  const requests = plan.path === 'mix' ? [write, readBack, page] : plan.path === '/api/visits' ? [write] : [page];

  const instance = autocannon({
    url: plan.url,
    connections: plan.connections,
    duration: plan.durationSeconds,
    ...(plan.rate ? { overallRate: plan.rate } : {}),
    // A request without an answer for this long is a timeout (the lab's own timeouts are shorter).
    timeout: 10,
    requests,
    ...(plan.ca ? { tlsOptions: { ca: plan.ca } } : {}),
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, latencyMs: number) => {
    tally.response(at(), status, latencyMs, last.servedBy, last.staleRead);
    last = { staleRead: false };
  });
  instance.on('reqError', (error: Error) =>
    tally.failure(at(), /timed out/.test(error.message) ? 'timeout' : 'connection'),
  );
  const ticker = onSecond ? setInterval(() => onSecond(at()), 1000) : undefined;
  const stop = () => instance.stop();
  signal.addEventListener('abort', stop, { once: true });
  try {
    await new Promise<void>((resolve, reject) => {
      instance.on('done', () => resolve());
      instance.on('error', reject);
    });
  } finally {
    clearInterval(ticker);
    signal.removeEventListener('abort', stop);
  }
  return at();
}
