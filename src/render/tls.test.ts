import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { labTls } from './tls.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'infra-tls-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function write(files: { path: string; content: string }[]): Promise<void> {
  for (const f of files) {
    await mkdir(path.dirname(path.join(dir, f.path)), { recursive: true });
    await writeFile(path.join(dir, f.path), f.content);
  }
}

const certOf = (pem: string) => new X509Certificate(pem.slice(0, pem.indexOf('-----END CERTIFICATE-----') + 25));

it("makes a CA and a certificate for the lab's domain, localhost and 127.0.0.1, keys private", async () => {
  const tls = await labTls(dir, { name: 'lab', domain: 'www.footer.com' });
  const byPath = Object.fromEntries(tls.files.map((f) => [f.path, f]));
  expect(Object.keys(byPath).sort()).toEqual(['tls/ca.crt', 'tls/ca.key', 'tls/server.pem']);
  expect(byPath['tls/ca.key'].mode).toBe(0o600);
  expect(byPath['tls/server.pem'].mode).toBe(0o600);
  const ca = new X509Certificate(byPath['tls/ca.crt'].content);
  const server = certOf(byPath['tls/server.pem'].content);
  expect(ca.ca).toBe(true);
  expect(server.verify(ca.publicKey)).toBe(true);
  expect(server.checkHost('www.footer.com')).toBe('www.footer.com');
  expect(server.checkHost('localhost')).toBe('localhost');
  expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
  expect(server.checkHost('www.example.com')).toBeUndefined();
  // The whole chain and the key travel in the one file HAProxy reads.
  expect(byPath['tls/server.pem'].content).toContain('-----BEGIN PRIVATE KEY-----');
  // Browsers refuse server certificates valid for longer than 398 days.
  expect((Date.parse(server.validTo) - Date.parse(server.validFrom)) / 86_400_000).toBeLessThanOrEqual(398);
});

it('keeps the CA and the certificate on a re-render; a new domain gets a new certificate from the same CA', async () => {
  const first = await labTls(dir, { name: 'lab', domain: 'www.footer.com' });
  await write(first.files);
  const again = await labTls(dir, { name: 'lab', domain: 'www.footer.com' });
  expect(again).toEqual({ files: [], fingerprint: first.fingerprint, issued: false });

  const moved = await labTls(dir, { name: 'lab', domain: 'shop.footer.com' });
  expect(moved.issued).toBe(true);
  expect(moved.files.map((f) => [f.path, f.replace])).toEqual([['tls/server.pem', true]]);
  const ca = new X509Certificate(first.files.find((f) => f.path === 'tls/ca.crt')!.content);
  const server = certOf(moved.files[0].content);
  expect(server.verify(ca.publicKey)).toBe(true);
  expect(server.checkHost('shop.footer.com')).toBe('shop.footer.com');
});

it('issues the certificate again when it is about to expire', async () => {
  const first = await labTls(dir, { name: 'lab', domain: 'www.footer.com' });
  await write(first.files);
  const in380Days = new Date(Date.now() + 380 * 86_400_000);
  const later = await labTls(dir, { name: 'lab', domain: 'www.footer.com' }, in380Days);
  expect(later.issued).toBe(true);
  expect(later.fingerprint).not.toBe(first.fingerprint);
});
