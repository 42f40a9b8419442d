// The up lock of a lab folder: a live holder refuses a second run, naming it; a holder killed on this host (SIGKILL:
// no clean-up ran) is taken over at once instead of after the stale time; one on another host is not.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../../test/helpers/temp-dir.js';
import { runShell } from '../../test/helpers/run-node.js';
import { repoRoot } from '../../test/helpers/fixtures.js';
import { StepError } from '../errors.js';
import { lockLab } from './lab-lock.js';

const holderFile = (dir: string) => path.join(dir, '.infra', 'up.holder.json');

it('a second run is refused while the first holds the lock, naming it; free again once released', async () => {
  const dir = tempDir('infra-lock-');
  const release = await lockLab(dir, 'x', 'infra up');
  const refused = await lockLab(dir, 'x', 'infra up').catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(StepError);
  expect((refused as Error).message).toMatch(
    /^lab "x" is being changed by another infra run \(`infra up`, pid \d+ on /,
  );
  await release();
  await (
    await lockLab(dir, 'x', 'infra up')
  )();
});

it('the lock of a run killed with SIGKILL on this host is taken over at once', async () => {
  const dir = tempDir('infra-lock-');
  const module = path.join(repoRoot, 'dist', 'app', 'lab-lock.js');
  const killed = await runShell(
    `node --input-type=module -e "const m = await import('${module}'); await m.lockLab('${dir}', 'x', 'infra up'); process.kill(process.pid, 'SIGKILL');"`,
    { cwd: dir },
  );
  expect(killed.code).not.toBe(0);
  const dead = JSON.parse(readFileSync(holderFile(dir), 'utf8')) as { pid: number };
  const started = Date.now();
  const release = await lockLab(dir, 'x', 'infra up');
  expect(Date.now() - started).toBeLessThan(2_000);
  expect(JSON.parse(readFileSync(holderFile(dir), 'utf8')).pid).not.toBe(dead.pid);
  await release();
});

it('a holder on another host is not taken over (its pid means nothing here): it goes stale, or the run ends', async () => {
  const dir = tempDir('infra-lock-');
  const release = await lockLab(dir, 'x', 'infra up');
  const elsewhere = { ...JSON.parse(readFileSync(holderFile(dir), 'utf8')), host: 'another-host', pid: 999_999 };
  writeFileSync(holderFile(dir), JSON.stringify(elsewhere));
  const refused = await lockLab(dir, 'x', 'infra up').catch((e: unknown) => e);
  expect((refused as Error).message).toContain('pid 999999 on another-host');
  await release();
});
