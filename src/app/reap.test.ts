// reap and reset --older-than over the fake runtime: only expired (or old) labs go, with their volumes; a lab
// whose `up` holds its lock is left alone; `run` removes its lab whatever its command did.
import { fakeLab, type FakeLab } from '../../test/helpers/fake-lab.js';
import { runtimeEnv } from './context.js';
import { lockLab } from './lab-lock.js';
import { reapLabs } from './reap.js';
import { runCommand } from './run.js';
import type { UpOptions, UpResult } from './up.js';
import { presentUp } from '../cli/presenters/up.js';

const boot = (t: FakeLab, name: string, extra: Partial<UpOptions> = {}) =>
  t.up({
    cwd: t.cwd,
    name,
    port: 'auto',
    json: true,
    keep: false,
    smoke: false,
    timeoutSeconds: 5,
    ...extra,
  });

/** The same lab, seen `ms` later. */
const later = (t: FakeLab, ms: number) =>
  runtimeEnv(t.io, async () => t.runtime, {
    openSession: t.databases.open,
    clock: { now: () => Date.now() + ms, sleep: async () => undefined },
  });

it('reap removes expired labs with their volumes, and nothing else', async () => {
  const t = fakeLab();
  await boot(t, 'short', { ttlMs: 5_000 });
  await boot(t, 'long', { ttlMs: 3_600_000 });
  await boot(t, 'forever');
  expect(await reapLabs(later(t, 1_000), { expired: true }, { dryRun: false })).toEqual([]);
  const dry = await reapLabs(later(t, 6_000), { expired: true }, { dryRun: true });
  expect(dry.map((c) => [c.lab, c.removed])).toEqual([['short', undefined]]);
  expect((await t.runtime.containers('short')).length).toBe(11);
  const reaped = await reapLabs(later(t, 6_000), { expired: true }, { dryRun: false });
  expect(reaped).toEqual([
    {
      lab: 'short',
      reason: expect.stringMatching(/^expired at /),
      removed: { containers: 11, networks: 1, volumes: 2 },
    },
  ]);
  expect(await t.runtime.labNames()).toEqual(['forever', 'long']);
});

it('up --ttl on a running lab moves its expiry', async () => {
  const t = fakeLab();
  await boot(t, 'lab1', { ttlMs: 5_000 });
  await boot(t, 'lab1', { ttlMs: 3_600_000 });
  expect(await reapLabs(later(t, 6_000), { expired: true }, { dryRun: false })).toEqual([]);
  expect((await t.runtime.containers('lab1')).filter((c) => c.component === 'lease')).toHaveLength(1);
});

it('a lab whose up holds its lock is never reaped', async () => {
  const t = fakeLab();
  await boot(t, 'busy', { ttlMs: 1_000 });
  const dir = (await t.runtime.containers('busy')).find((c) => c.workingDir)!.workingDir!;
  const release = await lockLab(dir, 'busy', 'infra up');
  try {
    const [choice] = await reapLabs(later(t, 5_000), { expired: true }, { dryRun: false });
    expect(choice).toMatchObject({ lab: 'busy', skipped: expect.stringMatching(/^being changed by `infra up`/) });
    expect((await t.runtime.containers('busy')).length).toBe(11);
  } finally {
    await release();
  }
});

it('reset --older-than picks labs without a TTL created longer ago than asked', async () => {
  const t = fakeLab();
  t.runtime.now = () => new Date(Date.now() - 3 * 3_600_000).toISOString();
  await boot(t, 'old');
  await boot(t, 'old-with-ttl', { ttlMs: 24 * 3_600_000 });
  t.runtime.now = () => new Date().toISOString();
  await boot(t, 'new');
  const gone = await reapLabs(t.env(), { olderThanMs: 2 * 3_600_000 }, { dryRun: false });
  expect(gone.map((c) => c.lab)).toEqual(['old']);
  expect(await t.runtime.labNames()).toEqual(['new', 'old-with-ttl']);
});

describe('run', () => {
  const options = (t: FakeLab, command: string[]) => ({
    cwd: t.cwd,
    name: 'job',
    port: 'auto' as const,
    json: false,
    keep: false,
    smoke: false,
    timeoutSeconds: 5,
    command,
    // As `infra run` wires it: up's presenter, the command's output on the terminal.
    presentUp: (result: UpResult) => presentUp(t.io, result, { json: false }),
    childOutput: { stdout: t.io.stdout, stderr: t.io.stderr },
  });
  it("passes the lab's URL to the command and its exit code through, then removes the lab", async () => {
    const t = fakeLab();
    const code = await runCommand(t.env(), options(t, ['sh', '-c', 'echo "url=$INFRA_URL lab=$INFRA_LAB"; exit 7']));
    expect(code).toBe(7);
    expect(t.stdout()).toMatch(/^url=http:\/\/127\.0\.0\.1:\d+ lab=job$/m);
    expect(await t.runtime.labNames()).toEqual([]);
  });
  it('sets a TTL as the backstop for a run that is killed', async () => {
    const t = fakeLab();
    await runCommand(t.env(), options(t, ['true']));
    expect(t.runtime.calls.find((c) => c.startsWith('lease job '))).toBeDefined();
  });
});
