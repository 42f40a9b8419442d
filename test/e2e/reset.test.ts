// `reset --all --yes` removes every lab infra made on this host, found by label, and nothing else: a foreign
// container, network and volume survive. Without --yes off a terminal it refuses to delete data.
import { describeWithDocker, requireEngine, uniqueLabName, tempDir, infra, byLabel, docker } from '../helpers/e2e.js';
import { rmSync } from 'node:fs';
import path from 'node:path';

const cwd = tempDir();
const labs = [uniqueLabName('ra'), uniqueLabName('rb')];
const foreign = uniqueLabName('foreign');

describeWithDocker('reset', () => {
  beforeAll(async () => {
    requireEngine();
    await docker(['network', 'create', foreign]);
    await docker(['volume', 'create', foreign]);
    await docker([
      'run',
      '-d',
      '--name',
      foreign,
      '--network',
      foreign,
      '-v',
      `${foreign}:/data`,
      'debian:trixie-slim',
      'sleep',
      'infinity',
    ]);
  });
  afterAll(async () => {
    await docker(['rm', '-f', foreign]).catch(() => undefined);
    await docker(['network', 'rm', foreign]).catch(() => undefined);
    await docker(['volume', 'rm', foreign]).catch(() => undefined);
  });

  it('boots two labs', async () => {
    for (const lab of labs) {
      const run = await infra(['up', '--name', lab, '--port', 'auto', '--no-smoke'], { cwd });
      expect(run.exitCode).toBe(0);
    }
  });

  it('refuses to delete volumes without --yes when it cannot ask', async () => {
    const before = await byLabel('container', `dev.infra.lab=${labs[0]}`);
    const run = await infra(['reset', '--name', labs[0]], { cwd });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--yes');
    // Its ten containers and infra's forwarder container, untouched.
    expect(before).toHaveLength(11);
    expect(await byLabel('container', `dev.infra.lab=${labs[0]}`)).toEqual(before);
  });

  it('reset --all --yes removes both labs, even with their folders gone, and leaves foreign resources alone', async () => {
    rmSync(path.join(cwd, 'infra-labs'), { recursive: true, force: true });
    const run = await infra(['reset', '--all', '--yes'], { cwd });
    expect(run.exitCode).toBe(0);
    for (const kind of ['container', 'network', 'volume'] as const) {
      expect(await byLabel(kind, 'dev.infra.lab')).toEqual([]);
    }
    expect(await docker(['inspect', '-f', '{{.State.Running}}', foreign])).toBe('true');
    expect(await docker(['network', 'inspect', '-f', '{{.Name}}', foreign])).toBe(foreign);
    expect(await docker(['volume', 'inspect', '-f', '{{.Name}}', foreign])).toBe(foreign);
    expect(await docker(['image', 'inspect', '-f', '{{.Id}}', 'debian:trixie-slim'])).toMatch(/^sha256:/);
  });
});
