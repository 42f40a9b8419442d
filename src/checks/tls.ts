// Check tls (secured labs): HTTPS at the LB is what the profile promises. A handshake for the lab's domain succeeds
// against the lab's CA alone (so a certificate for another host, expired, or signed by anyone else fails); the LB
// refuses TLS 1.1 and plain HTTP on its HTTPS port; HTTP answers with a permanent redirect to HTTPS; HSTS is sent
// for the domain; and the app learns the original scheme (TLS ends at the LB).
import net from 'node:net';
import tls from 'node:tls';
import { CheckFailure, CheckSkipped, json, request, type Check } from './check.js';

/** What a TLS handshake ended with: the negotiated protocol and ALPN, or the error the client saw. */
export interface Handshake {
  ok: boolean;
  protocol?: string;
  alpn?: string;
  validTo?: string;
  error?: string;
}

export function handshake(options: tls.ConnectionOptions): Promise<Handshake> {
  return new Promise((resolve) => {
    const socket = tls.connect({ timeout: 3000, ...options }, () => {
      const cert = socket.getPeerCertificate();
      resolve({
        ok: socket.authorized || options.rejectUnauthorized === false,
        protocol: socket.getProtocol() ?? undefined,
        alpn: socket.alpnProtocol || undefined,
        validTo: cert.valid_to,
      });
      socket.end();
    });
    socket.on('timeout', () => socket.destroy(new Error('no answer in 3 s')));
    socket.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ ok: false, error: `${error.code ?? ''} ${error.message.split('\n')[0]}`.trim() }),
    );
  });
}

/** What the port answers to a plain-HTTP request: its first bytes, or nothing if it closes the connection. */
function plainHttpAnswer(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let answer = '';
    socket.setTimeout(3000, () => socket.destroy());
    socket.on('connect', () => socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'));
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    socket.on('close', () => resolve(answer));
    socket.on('error', () => resolve(answer));
  });
}

export const tlsCheck: Check = {
  name: 'tls',
  guards: "secured: HTTPS for the domain with the lab's CA, TLS 1.1 and plain HTTP on 443 refused, redirect, HSTS",
  appliesTo: (lab) => lab.capabilities.tls,
  async run({ lab, url, httpUrl, ca }) {
    if (!ca || !httpUrl || !url.startsWith('https:')) {
      throw new CheckSkipped('the lab publishes no HTTPS port: is it running with the secured profile?');
    }
    const port = Number(new URL(url).port);
    const base = { host: '127.0.0.1', port, servername: lab.domain, ca };

    const good = await handshake({ ...base, ALPNProtocols: ['h2', 'http/1.1'] });
    if (!good.ok) {
      throw new CheckFailure(`the TLS handshake for ${lab.domain} with the lab's CA failed: ${good.error}`);
    }
    // Offer TLS 1.1 for real (OpenSSL's client refuses to by default): the LB must be the one saying no.
    const old = await handshake({
      ...base,
      minVersion: 'TLSv1.1',
      maxVersion: 'TLSv1.1',
      ciphers: 'DEFAULT@SECLEVEL=0',
      rejectUnauthorized: false,
    });
    if (old.ok) throw new CheckFailure(`the LB accepted a TLS 1.1 handshake (${old.protocol}); TLS 1.2 is the minimum`);
    const plain = await plainHttpAnswer(port);
    if (plain.startsWith('HTTP/')) {
      throw new CheckFailure(`port ${port} answered plain HTTP (${plain.split('\r\n')[0]}); it must speak TLS only`);
    }

    const redirect = await request(`${httpUrl}/visits?x=1`);
    const location = String(redirect.headers.location ?? '');
    if (redirect.status !== 301 || location !== `${url}/visits?x=1`) {
      throw new CheckFailure(
        `${httpUrl}/visits?x=1 answered ${redirect.status} ${location ? `→ ${location}` : '(no Location)'}; expected 301 → ${url}/visits?x=1`,
      );
    }
    const answer = await request(`${url}/api/whoami`, { ca, servername: lab.domain });
    const hsts = String(answer.headers['strict-transport-security'] ?? '');
    if (!/max-age=\d+/.test(hsts)) {
      throw new CheckFailure(`https://${lab.domain}:${port}/ sent no Strict-Transport-Security header`);
    }
    const scheme = json<{ request?: { scheme?: string } }>(answer).request?.scheme;
    if (scheme !== 'https') {
      throw new CheckFailure(`the app saw scheme "${scheme}" for an HTTPS request: X-Forwarded-Proto is not passed on`);
    }
    return (
      `${lab.domain}: ${good.protocol}, ${good.alpn ?? 'no ALPN'}, certificate valid to ${good.validTo}; ` +
      `TLS 1.1 refused (${old.error?.split(' ')[0]}); plain HTTP on ${port} refused; ` +
      `HTTP → 301 ${url}; HSTS "${hsts}"; the app sees https`
    );
  },
};
