// The `secured` profile's TLS material: a certificate authority made once per lab and kept in the lab folder (like
// .env, never printed), and the LB's server certificate it signs for the lab's domain, localhost and 127.0.0.1.
// The CA survives re-renders and `down`/`up`, so a browser or `curl --cacert` that trusts it keeps trusting the lab;
// the server certificate is issued again only when it no longer fits (other domain, other CA, about to expire).
// Keys and certificates come from @peculiar/x509 over Node's WebCrypto: ECDSA P-256, SHA-256.
import { createHash, webcrypto, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type * as X509 from '@peculiar/x509';
import { LAB_FILES } from '../paths.js';
import { file, type RenderedFile } from '../templating/rendered-file.js';

let loaded: Promise<typeof X509> | undefined;
/**
 * @peculiar/x509, loaded on first use: with its Reflect polyfill it is a quarter of a second of every command's start
 * otherwise, and only a render that makes or reads a certificate needs it. The polyfill goes first (its README's first
 * requirement).
 */
function x509Library(): Promise<typeof X509> {
  loaded ??= import('reflect-metadata').then(async () => {
    const x509 = await import('@peculiar/x509');
    x509.cryptoProvider.set(webcrypto as Crypto);
    return x509;
  });
  return loaded;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Browsers refuse server certificates valid longer than 398 days. */
export const SERVER_DAYS = 397;
const CA_DAYS = 10 * 365;
/** A server certificate this close to its end is issued again on the next render. */
const RENEW_BEFORE_DAYS = 30;

export interface LabTls {
  /** The files to write: the CA's (only when new) and the server's (`replace` when issued again). */
  files: RenderedFile[];
  /** Identifies the server certificate: HAProxy is recreated when it changes (it reads the file at start). */
  fingerprint: string;
  /** Whether the server certificate was issued in this render. */
  issued: boolean;
}

/** The names the LB's certificate must carry for this lab: its domain, and the addresses tests and browsers use. */
export function serverNames(domain: string): { dns: string[]; ip: string[] } {
  return { dns: [...new Set([domain, 'localhost'])], ip: ['127.0.0.1'] };
}

export async function labTls(dir: string, lab: { name: string; domain: string }, now = new Date()): Promise<LabTls> {
  const existing = await readExisting(dir);
  const ca = existing.ca ?? (await createAuthority(lab.name, now));
  const files: RenderedFile[] = [];
  if (!existing.ca) {
    files.push(file(LAB_FILES.caCert, ca.certPem), file(LAB_FILES.caKey, ca.keyPem, 0o600));
  }
  const current = existing.serverPem;
  if (current && existing.ca && fits(current, ca.certPem, lab.domain, now)) {
    return { files, fingerprint: fingerprintOf(current), issued: false };
  }
  const serverPem = await issueServer(ca, serverNames(lab.domain), now);
  files.push({ ...file(LAB_FILES.serverPem, serverPem, 0o600), replace: true });
  return { files, fingerprint: fingerprintOf(serverPem), issued: true };
}

interface Authority {
  certPem: string;
  keyPem: string;
  cert: X509.X509Certificate;
  key: CryptoKey;
}

async function readExisting(dir: string): Promise<{ ca?: Authority; serverPem?: string }> {
  const read = (p: string) => readFile(path.join(dir, p), 'utf8').catch(() => undefined);
  const [certPem, keyPem, serverPem] = await Promise.all([
    read(LAB_FILES.caCert),
    read(LAB_FILES.caKey),
    read(LAB_FILES.serverPem),
  ]);
  if (!certPem || !keyPem) return { serverPem };
  const x509 = await x509Library();
  const key = await webcrypto.subtle.importKey('pkcs8', await pemBody(keyPem), ALGORITHM, true, ['sign']);
  return { ca: { certPem, keyPem, cert: new x509.X509Certificate(certPem), key }, serverPem };
}

async function createAuthority(labName: string, now: Date): Promise<Authority> {
  const x509 = await x509Library();
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=infra lab ${labName} CA, O=infra`,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + CA_DAYS * DAY_MS),
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: [
      // A CA that signs server certificates only, never another CA (path length 0).
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return {
    certPem: cert.toString('pem') + '\n',
    keyPem: await privatePem(keys.privateKey),
    cert,
    key: keys.privateKey,
  };
}

/**
 * A server certificate signed by `ca` for `names`. Exported for tests that need a wrong one (expired, other host):
 * they prove the `tls` check notices.
 */
export async function issueServer(
  ca: { cert: X509.X509Certificate; key: CryptoKey },
  names: { dns: string[]; ip: string[] },
  now: Date,
  days = SERVER_DAYS,
): Promise<string> {
  const x509 = await x509Library();
  const keys = await newKeys();
  const notBefore = new Date(now.getTime() - 60_000);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${names.dns[0]}`,
    issuer: ca.cert.subject,
    notBefore,
    notAfter: new Date(notBefore.getTime() + days * DAY_MS),
    signingAlgorithm: ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: ca.key,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      // Browsers match the host against these names only, never the CN.
      new x509.SubjectAlternativeNameExtension([
        ...names.dns.map((value) => ({ type: 'dns' as const, value })),
        ...names.ip.map((value) => ({ type: 'ip' as const, value })),
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  // HAProxy's `crt` file: the certificate, then the chain a client needs, then the key.
  return `${cert.toString('pem')}\n${ca.cert.toString('pem')}\n${await privatePem(keys.privateKey)}`;
}

/** The CA of a lab folder, for tests that sign a wrong certificate with the lab's own CA. */
export async function readAuthority(dir: string): Promise<{ cert: X509.X509Certificate; key: CryptoKey }> {
  const { ca } = await readExisting(dir);
  if (!ca) throw new Error(`${dir} has no ${LAB_FILES.caCert}`);
  return ca;
}

/** Still right for this lab: signed by this CA, for these names, and not about to expire. */
function fits(serverPem: string, caPem: string, domain: string, now: Date): boolean {
  try {
    const cert = new X509Certificate(serverPem);
    const ca = new X509Certificate(caPem);
    const wanted = serverNames(domain);
    const has = (cert.subjectAltName ?? '').split(', ').sort().join(', ');
    const expected = [...wanted.dns.map((d) => `DNS:${d}`), ...wanted.ip.map((i) => `IP Address:${i}`)].sort();
    return (
      cert.verify(ca.publicKey) &&
      has === expected.join(', ') &&
      Date.parse(cert.validTo) - now.getTime() > RENEW_BEFORE_DAYS * DAY_MS
    );
  } catch {
    return false;
  }
}

function fingerprintOf(serverPem: string): string {
  return createHash('sha256').update(serverPem).digest('hex').slice(0, 12);
}

async function newKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function privatePem(key: CryptoKey): Promise<string> {
  const x509 = await x509Library();
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY') + '\n';
}

async function pemBody(pem: string): Promise<ArrayBuffer> {
  return (await x509Library()).PemConverter.decode(pem)[0];
}

function serial(): string {
  // Positive, 16 random bytes: the first nibble is kept below 8 so the DER integer needs no sign byte.
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] &= 0x7f;
  return Buffer.from(bytes).toString('hex');
}
