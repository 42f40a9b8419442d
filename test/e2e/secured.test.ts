// The secured profile end to end, on the run's lab with every profile (test/helpers/shared-lab.ts): HTTPS at the LB with the lab's own CA (curl checks it as a user
// would), a firewall on every server proven by a port scan from a visitor container, and the tls and firewall checks
// shown able to fail: a rule removed by hand, a certificate for the wrong host, an expired one. `up` repairs each.
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { describeWithDocker, requireEngine, infra, docker } from '../helpers/e2e.js';
import { EVERY_PROFILE, sharedLab } from '../helpers/shared-lab.js';
import { issueServer, readAuthority } from '../../src/render/tls.js';

// The shared lab's, once beforeAll has it.
let lab = '';
let cwd = '';
let dir = '';

interface Check {
  name: string;
  status: string;
  detail: string;
}

async function smoke(): Promise<Check[]> {
  const run = await infra(['smoke', '--name', lab, '--skip', 'failover,lb-failover', '--json'], { cwd });
  return JSON.parse(run.stdout).checks;
}
const find = (checks: Check[], name: string) => checks.find((c) => c.name === name)!;

describeWithDocker('secured, on a lab with every profile', () => {
  let status: { urls: { http: string; https: string }; tls: { ca_file: string } };

  beforeAll(async () => {
    requireEngine();
    const shared = await sharedLab(EVERY_PROFILE);
    ({ name: lab, cwd, dir } = shared);
    const checks = shared.boot.smoke.checks;
    expect(checks.filter((c: Check) => c.status !== 'passed')).toEqual([]);
    expect(checks.map((c: Check) => c.name)).toEqual(expect.arrayContaining(['exposure', 'tls', 'firewall']));
    status = JSON.parse((await infra(['status', '--name', lab, '--json'], { cwd })).stdout);
  });
  it('answers 200 over HTTPS for its domain to curl trusting only the lab CA; plain HTTP redirects', async () => {
    const port = new URL(status.urls.https).port;
    expect(status.tls.ca_file).toBe(path.join(dir, 'tls', 'ca.crt'));
    const curl = await execa(
      'curl',
      [
        '-sS',
        '-D-',
        '-o/dev/null',
        '--cacert',
        status.tls.ca_file,
        '--resolve',
        `www.footer.com:${port}:127.0.0.1`,
        `https://www.footer.com:${port}/`,
      ],
      { reject: false },
    );
    expect(curl.stderr).toBe('');
    expect(curl.stdout).toMatch(/^HTTP\/2 200/);
    expect(curl.stdout).toMatch(/^x-served-by: web-0[12]/m);
    expect(curl.stdout).toMatch(/^strict-transport-security: max-age=31536000/m);
    // Without the lab's CA, curl refuses the certificate: nothing here is trusted by accident.
    const untrusted = await execa('curl', ['-sS', '-o/dev/null', status.urls.https], { reject: false });
    expect(untrusted.exitCode).toBe(60);
    const plain = await execa('curl', ['-sS', '-o/dev/null', '-w', '%{http_code} %{redirect_url}', status.urls.http]);
    expect(plain.stdout).toBe(`301 ${status.urls.https}/`);
    // The CA's key and the server's key are the user's alone.
    expect((await stat(path.join(dir, 'tls', 'ca.key'))).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(dir, 'tls', 'server.pem'))).mode & 0o777).toBe(0o600);
  });

  it('a port scan from a container on the lab network finds only the ports the policy opens; the host sees three', async () => {
    const ports = [
      ...Array.from({ length: 1024 }, (_, i) => i + 1),
      3306,
      5000,
      8080,
      8443,
      8405,
      9090,
      9100,
      9104,
      9113,
      9999,
    ];
    const script = ['edge', 'lb-01', 'lb-02', 'web-01', 'web-02', 'mon-01']
      .map((s) => `for p in ${ports.join(' ')}; do (exec 3<>/dev/tcp/${s}/$p) 2>/dev/null && echo ${s}:$p; done &`)
      .concat('wait')
      .join('\n');
    const hostImage = await docker(['inspect', '-f', '{{.Config.Image}}', `infra-${lab}-web-01`]);
    const scan = await docker([
      'run',
      '--rm',
      '--network',
      `infra-${lab}`,
      hostImage,
      'timeout',
      '120',
      'bash',
      '-c',
      script,
    ]);
    // Only what the policy lets anyone reach: the edge's relayed ports, the web ports of both LBs (either may hold
    // the floating address), Prometheus and the lab page on mon-01. No database, app, exporter or HAProxy API port.
    expect(scan.split('\n').sort()).toEqual([
      'edge:443',
      'edge:80',
      'lb-01:443',
      'lb-01:80',
      'lb-02:443',
      'lb-02:80',
      'mon-01:9090',
    ]);
    // What explain tells the student is open to the lab network is what the scan found, and Prometheus's lack of a
    // password is among what is still exposed.
    const explained = JSON.parse((await infra(['explain', 'security', '--name', lab, '--json'], { cwd })).stdout) as {
      open_on_lab_network: string[];
      security: { what: string; exposed: boolean }[];
    };
    expect([...explained.open_on_lab_network].sort()).toEqual(scan.split('\n').sort());
    expect(explained.security.find((f) => /^Prometheus/.test(f.what))).toMatchObject({ exposed: true });
    const published = await docker(['ps', '--filter', `label=dev.infra.lab=${lab}`, '--format', '{{.Ports}}']);
    const bindings = published
      .split(/[\n,]/)
      .map((p) => p.trim())
      .filter(Boolean);
    expect(bindings.map((b) => b.replace(/:\d+->/, ':*->')).sort()).toEqual([
      '127.0.0.1:*->443/tcp',
      '127.0.0.1:*->80/tcp',
      '127.0.0.1:*->9090/tcp',
    ]);
  });

  it('the firewall check names a hole opened by hand; `infra up` closes it again', async () => {
    await docker([
      'exec',
      `infra-${lab}-web-01`,
      'nft',
      'insert',
      'rule',
      'inet',
      'infra',
      'input',
      'tcp',
      'dport',
      '3306',
      'accept',
    ]);
    const broken = find(await smoke(), 'firewall');
    expect(broken.status).toBe('failed');
    expect(broken.detail).toContain("hole: visitor → web-01:3306 is open, the policy allows web-02, infra's tools");
    expect((await infra(['up', '--name', lab, '--no-smoke'], { cwd })).exitCode).toBe(0);
    expect(find(await smoke(), 'firewall').status).toBe('passed');
  });

  it.each([
    ['a certificate for another host', { dns: ['www.example.com'], ip: [] }, 0, /ERR_TLS_CERT_ALTNAME_INVALID/],
    ['an expired certificate', { dns: ['www.footer.com', 'localhost'], ip: ['127.0.0.1'] }, 400, /CERT_HAS_EXPIRED/],
  ])('the tls check fails on %s; `infra up` issues a good one', async (_what, names, daysAgo, error) => {
    const pemFile = path.join(dir, 'tls', 'server.pem');
    const issued = new Date(Date.now() - daysAgo * 86_400_000);
    // Written in place: HAProxy's container has this very file mounted.
    await writeFile(pemFile, await issueServer(await readAuthority(dir), names, issued, 30));
    // Both load balancers read it: whichever holds the floating address serves it.
    await Promise.all(['lb-01', 'lb-02'].map((lb) => docker(['restart', `infra-${lab}-${lb}-haproxy`])));
    const broken = find(await smoke(), 'tls');
    expect(broken.status).toBe('failed');
    expect(broken.detail).toMatch(error);
    expect((await infra(['up', '--name', lab, '--no-smoke'], { cwd })).exitCode).toBe(0);
    expect(find(await smoke(), 'tls').status).toBe('passed');
  });

  it('keeps its CA across down and up, so what trusted the lab still does', async () => {
    const ca = await readFile(status.tls.ca_file, 'utf8');
    expect((await infra(['down', '--name', lab], { cwd })).exitCode).toBe(0);
    const up = await infra(['up', '--name', lab, '--no-smoke', '--json'], { cwd });
    expect(up.exitCode).toBe(0);
    expect(await readFile(status.tls.ca_file, 'utf8')).toBe(ca);
    expect(JSON.parse(up.stdout).urls.https).toBe(status.urls.https);
  });
});
