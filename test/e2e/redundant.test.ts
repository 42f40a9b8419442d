// The redundant profile end to end, combined with secured (profiles combine): the LB pair with its floating address
// behind the edge, every check passing (lb-failover included), `infra fail lb-01` leaving HTTPS answering through
// lb-02 and `infra recover lb-01` taking the address back.
import path from 'node:path';
import { execa } from 'execa';
import { describeWithDocker, requireEngine, uniqueLabName, tempDir, infra } from '../helpers/e2e.js';

const lab = uniqueLabName('red');
const cwd = tempDir();
const dir = path.join(cwd, 'infra-labs', lab);

interface Status {
  healthy: boolean;
  urls: { http: string; https: string };
  floating_address: { address: string | null; holder: string | null };
}

async function status(): Promise<Status> {
  return JSON.parse((await infra(['status', '--name', lab, '--json'], { cwd })).stdout) as Status;
}

/** What a user's curl gets over HTTPS, trusting only the lab's CA. */
async function curlHttps(url: string): Promise<{ code: string; servedBy: string }> {
  const result = await execa(
    'curl',
    [
      '-sS',
      '-m',
      '10',
      '--cacert',
      path.join(dir, 'tls', 'ca.crt'),
      '-o',
      '/dev/null',
      '-D',
      '-',
      '-w',
      '%{http_code}',
      `${url}/`,
    ],
    { reject: false },
  );
  const out = String(result.stdout);
  return { code: out.slice(-3), servedBy: /^x-served-by: (\S+)/im.exec(out)?.[1] ?? '' };
}

describeWithDocker('redundant + secured', () => {
  let url = '';

  beforeAll(() => requireEngine());
  afterAll(async () => {
    await infra(['reset', '--name', lab, '--yes'], { cwd });
  });

  it('boots the LB pair behind the edge and passes every check, lb-failover included', async () => {
    const up = await infra(['up', '--name', lab, '--profile', 'redundant,secured', '--port', 'auto', '--json'], {
      cwd,
    });
    const result = JSON.parse(up.stdout);
    const checks = result.smoke.checks as { name: string; status: string; detail: string }[];
    expect(checks.filter((c) => c.status !== 'passed')).toEqual([]);
    expect(checks.map((c) => c.name)).toEqual(expect.arrayContaining(['lb-failover', 'tls', 'firewall']));
    expect(checks.find((c) => c.name === 'lb-failover')?.detail).toMatch(/floating address on lb-02 after \d+ ms/);
    expect(up.exitCode).toBe(0);
    const now = await status();
    expect(now.floating_address.holder).toBe('lb-01');
    expect(now.floating_address.address).toMatch(/^172\.16\.\d+\.5$/);
    url = now.urls.https;
  });

  it('infra fail lb-01: the address moves to lb-02 and HTTPS keeps answering; infra recover lb-01 takes it back', async () => {
    expect((await curlHttps(url)).code).toBe('200');
    expect((await infra(['fail', 'lb-01', '--name', lab], { cwd })).exitCode).toBe(0);
    try {
      const answers = await Promise.all(Array.from({ length: 4 }, () => curlHttps(url)));
      expect(answers.map((a) => a.code)).toEqual(['200', '200', '200', '200']);
      const during = await status();
      expect(during.floating_address.holder).toBe('lb-02');
    } finally {
      const recover = await infra(['recover', 'lb-01', '--name', lab], { cwd });
      expect(recover.exitCode).toBe(0);
    }
    // keepalived on lb-01 takes the address back by priority once its HAProxy answers (two checks, a second apart).
    let holder: string | null = null;
    for (let i = 0; i < 50 && holder !== 'lb-01'; i++) {
      holder = (await status()).floating_address.holder;
      if (holder !== 'lb-01') await new Promise((r) => setTimeout(r, 200));
    }
    expect(holder).toBe('lb-01');
    expect((await curlHttps(url)).code).toBe('200');
  });
});
