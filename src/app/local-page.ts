// A page served on 127.0.0.1 while a command runs (`infra watch`, `infra room serve`): the page itself at /, and the
// JSON its script reads at one path, computed when asked. Runs until the command's signal aborts (Ctrl-C).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UsageError } from '../errors.js';
import type { AppEnv } from './context.js';

export interface LocalPage {
  /** Port on 127.0.0.1; 0: any free one. */
  port: number;
  html: string;
  /** Where the page's script reads its data, and what it reads there. */
  api: { path: string; read(): Promise<unknown> };
  /** Told once the page is served. */
  onServing(url: string): void | Promise<void>;
}

export async function servePage(env: Pick<AppEnv, 'signal'>, page: LocalPage): Promise<void> {
  const server = createServer((request, response) => {
    if (request.url === page.api.path) {
      page.api
        .read()
        .then((body) => {
          response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
          response.end(JSON.stringify(body));
        })
        .catch((error: Error) => {
          response.writeHead(503, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error: error.message }));
        });
      return;
    }
    if (request.url === '/' || request.url === '/index.html') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(page.html);
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end(`not found: this page serves / and ${page.api.path}\n`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new UsageError(`127.0.0.1:${page.port} is already in use`, ['--port: another, or 0 for any free one'])
          : error,
      ),
    );
    server.listen(page.port, '127.0.0.1', resolve);
  });
  try {
    await page.onServing(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await new Promise<void>((resolve) => {
      if (env.signal.aborted) resolve();
      env.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}
