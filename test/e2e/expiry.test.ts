// Labs that clean up after themselves, against real containers: a lab with --ttl is removed by `reap` once
// expired and its neighbour without one is not; `infra run -- false` exits 1 and leaves nothing; a SIGKILLed
// `infra up --ephemeral` leaves a lab that `reap` removes after its TTL; the CI recipe in examples/ci runs as is.
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/fixtures.js';
import { byLabel, describeWithDocker, infra, infraBin, requireEngine, tempDir, uniqueLabName } from '../helpers/e2e.js';

const cwd = tempDir();
const expiring = uniqueLabName('ttl');
const neighbour = uniqueLabName('keep');
const job = uniqueLabName('run');
const killed = uniqueLabName('kill');
const recipe = uniqueLabName('ci');
const everything = async (lab: string) => [
  ...(await byLabel('container', `dev.infra.lab=${lab}`)),
  ...(await byLabel('network', `dev.infra.lab=${lab}`)),
  ...(await byLabel('volume', `dev.infra.lab=${lab}`)),
];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeWithDocker('labs that expire', () => {
  beforeAll(() => requireEngine());
  afterAll(async () => {
    for (const lab of [expiring, neighbour, job, killed, recipe])
      await infra(['reset', '--name', lab, '--yes'], { cwd });
  });

  it('reap removes a lab once its --ttl has passed, volumes too, and leaves a neighbour without one', async () => {
    const up = await infra(['up', '--name', expiring, '--port', 'auto', '--ttl', '5s', '--no-smoke', '--json'], {
      cwd,
    });
    expect(up.exitCode).toBe(0);
    expect((await infra(['up', '--name', neighbour, '--port', 'auto', '--no-smoke'], { cwd })).exitCode).toBe(0);
    const status = JSON.parse((await infra(['status', '--name', expiring, '--json'], { cwd })).stdout);
    // The expiry counts from before the boot (a killed boot must expire too), so 5 s may already have passed.
    expect(Date.parse(status.expires_at)).toBeGreaterThan(Date.now() - 60_000);
    await sleep(Math.max(0, Date.parse(status.expires_at) - Date.now()) + 500);
    const neighbours = await byLabel('container', `dev.infra.lab=${neighbour}`);
    const reap = await infra(['reap', '--json'], { cwd });
    expect(reap.exitCode).toBe(0);
    expect(JSON.parse(reap.stdout).labs).toContainEqual(
      expect.objectContaining({ lab: expiring, removed: expect.objectContaining({ volumes: 2 }) }),
    );
    expect(await everything(expiring)).toEqual([]);
    // Its ten containers and infra's forwarder container, as before.
    expect(neighbours).toHaveLength(11);
    expect(await byLabel('container', `dev.infra.lab=${neighbour}`)).toEqual(neighbours);
  });

  it('infra run -- false exits 1 and leaves no container, network or volume of its lab', async () => {
    const run = await infra(['run', '--name', job, '--port', 'auto', '--no-smoke', '--', 'false'], { cwd });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(/\$ false {4}\(INFRA_URL=http:\/\/127\.0\.0\.1:\d+\)/);
    expect(await everything(job)).toEqual([]);
  });

  it('a SIGKILLed up --ephemeral leaves a lab that reap removes after its TTL', async () => {
    const child = execa(
      'node',
      [infraBin, 'up', '--name', killed, '--port', 'auto', '--ephemeral', '--ttl', '5s', '--no-smoke'],
      {
        cwd,
        reject: false,
        env: { NO_COLOR: '1' },
      },
    );
    let stderr = '';
    await new Promise<void>((resolve) => {
      child.stderr?.on('data', (chunk) => {
        stderr += chunk;
        // Once the containers are being started: the worst moment to die.
        if (stderr.includes('✓ images')) resolve();
      });
      void child.then(() => resolve());
    });
    child.kill('SIGKILL');
    await child;
    expect(stderr).toContain('expires');
    expect((await everything(killed)).length).toBeGreaterThan(0);
    // Its lock goes stale after 10 s; until then reap leaves it alone, as a lab being brought up.
    await sleep(11_000);
    const reap = JSON.parse((await infra(['reap', '--json'], { cwd })).stdout);
    expect(reap.labs.map((l: { lab: string }) => l.lab)).toContain(killed);
    expect(await everything(killed)).toEqual([]);
  });

  it('the CI recipe in examples/ci runs as is: smoke with JUnit, then nothing left', async () => {
    const script = path.join(repoRoot, 'examples', 'ci', 'smoke-lab.sh');
    const result = await execa(script, [recipe], {
      cwd,
      reject: false,
      env: { INFRA: infraBin, JUNIT_FILE: path.join(cwd, 'recipe.xml'), NO_COLOR: '1' },
    });
    expect({ code: result.exitCode, stderr: result.stderr.slice(-2000) }).toMatchObject({ code: 0 });
    expect(existsSync(path.join(cwd, 'recipe.xml'))).toBe(true);
    expect(await everything(recipe)).toEqual([]);
  });
});
