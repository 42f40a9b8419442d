// The tls check against real TLS servers on 127.0.0.1 (node:https), each wrong in one way the check must name.
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm, writeFile, mkdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { issueServer, labTls, readAuthority } from '../render/tls.js';
import { buildLab } from '../definition/build-lab.js';
import type { CheckContext } from './check.js';
import { tlsCheck } from './tls.js';

const lab = buildLab({ profiles: ['secured'] });
let dir: string;
let servers: https.Server[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'infra-tls-check-'));
  for (const f of (await labTls(dir, lab)).files) {
    await mkdir(path.dirname(path.join(dir, f.path)), { recursive: true });
    await writeFile(path.join(dir, f.path), f.content);
  }
});
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  servers = [];
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** An HTTPS server with `pem` (certificate, chain, key); answers like the lab would, or as told. */
async function serve(pem: string, options: https.ServerOptions = {}): Promise<string> {
  const server = https.createServer({ cert: pem, key: pem, ...options }, (_req, res) => {
    res.writeHead(200, { 'strict-transport-security': 'max-age=60', 'content-type': 'application/json' });
    res.end(JSON.stringify({ request: { scheme: 'https' } }));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function run(url: string): Promise<string> {
  const ca = await readFile(path.join(dir, 'tls/ca.crt'), 'utf8');
  return tlsCheck.run({ lab, url, httpUrl: 'http://127.0.0.1:9', ca, dir } as CheckContext);
}

it('fails on a certificate for another host, even one signed by the lab CA', async () => {
  const pem = await issueServer(await readAuthority(dir), { dns: ['www.example.com'], ip: [] }, new Date());
  await expect(run(await serve(pem))).rejects.toThrow(
    /TLS handshake for www\.footer\.com with the lab's CA failed: ERR_TLS_CERT_ALTNAME_INVALID/,
  );
});

it('fails on an expired certificate', async () => {
  const twoYearsAgo = new Date(Date.now() - 2 * 365 * 86_400_000);
  const pem = await issueServer(await readAuthority(dir), { dns: ['www.footer.com'], ip: [] }, twoYearsAgo, 30);
  await expect(run(await serve(pem))).rejects.toThrow(/CERT_HAS_EXPIRED/);
});

it('fails when the server still speaks TLS 1.1', async () => {
  const pem = await readFile(path.join(dir, 'tls/server.pem'), 'utf8');
  const url = await serve(pem, { minVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' });
  await expect(run(url)).rejects.toThrow(/accepted a TLS 1\.1 handshake/);
});
