// Use case `infra watch`: the lab's diagram, live, for any running lab (no profile needed). A small HTTP server on
// 127.0.0.1 serves the page and, every time the page asks, what runs now (src/app/live-state.ts); it prints the URL
// and runs until Ctrl-C. --open starts a browser where there is one.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UsageError } from '../errors.js';
import { renderTemplate } from '../templating/engine.js';
import { livePageView } from '../kinds/live-page.js';
import { readLabState } from '../render/write-lab.js';
import { floatingAddress } from '../topology/addressing.js';
import type { AppEnv } from './context.js';
import { openInBrowser } from '../runtime/browser.js';
import { liveStateReader } from './live-state.js';
import { monitoringUrls } from './lab-endpoint.js';
import { runningLab, type LabTarget } from './lab-target.js';

export interface WatchOptions extends LabTarget {
  /** Port on 127.0.0.1; 0: any free one. */
  port: number;
  open: boolean;
  /** Told once the page is served, before it runs until aborted (Ctrl-C). */
  onServing(serving: { lab: string; url: string }): void;
}

export async function watchCommand(env: AppEnv, options: WatchOptions): Promise<void> {
  const { runtime, lab, dir } = await runningLab(env, options, ', then watch it');
  const state = await readLabState(dir);
  const containers = await runtime.containers(lab.name);
  const monitor = containers.find((c) => c.publishedMonitorPort)?.publishedMonitorPort;
  const page = renderTemplate('pages/watch.html', {
    ...livePageView(lab, {
      floatingAddress: lab.capabilities.lbPair && state?.subnet ? floatingAddress(state.subnet) : undefined,
      oneHost: true,
    }),
    monitoringPage: monitor ? monitoringUrls(monitor.port, monitor.ip).page_url : '',
  });
  const read = liveStateReader(runtime, env.openSession, lab, dir);

  const server = createServer((request, response) => {
    if (request.url === '/api/state') {
      read()
        .then((live) => {
          response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
          response.end(JSON.stringify(live));
        })
        .catch((error: Error) => {
          response.writeHead(503, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error: error.message }));
        });
      return;
    }
    if (request.url === '/' || request.url === '/index.html') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(page);
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('not found: infra watch serves / and /api/state\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new UsageError(`127.0.0.1:${options.port} is already in use`, ['--port: another, or 0 for any free one'])
          : error,
      ),
    );
    server.listen(options.port, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  options.onServing({ lab: lab.name, url });
  if (options.open && !(await openInBrowser(url))) {
    env.progress(false).note(`no browser to open here (xdg-open); open ${url} yourself`);
  }

  await new Promise<void>((resolve) => {
    if (env.signal.aborted) resolve();
    env.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}
