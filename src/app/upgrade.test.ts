// A lab made by an earlier infra, brought up to date by `up` over the fake runtime and scripted databases: the
// line that says from which infra, the migration that creates infra's database user without replicating it, the
// record the folder keeps afterwards; a lab made by a newer infra refused with nothing written.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fakeLab, type FakeLab } from '../../test/helpers/fake-lab.js';
import { readLabState, type LabState } from '../render/write-lab.js';
import { describeInfra, LAB_FORMAT, THIS_INFRA, VERSION } from '../version.js';
import type { AppEnv } from './context.js';
import type { LabTarget } from './lab-target.js';
import { readStatus } from './status.js';
import { presentStatus } from '../cli/presenters/status.js';
import type { UpOptions } from './up.js';
import { pendingUpgrade, upgradeLine } from './upgrade.js';

/** `infra status` as the command runs it: the status read, then said. */
const statusCommand = async (env: AppEnv, options: LabTarget & { json: boolean; verify?: boolean }) =>
  presentStatus(env.io, await readStatus(env, options), { json: options.json });

const LAB = 'unit';

function options(t: FakeLab, extra: Partial<UpOptions> = {}): UpOptions {
  return { cwd: t.cwd, name: LAB, port: 'auto', json: true, keep: false, smoke: false, timeoutSeconds: 5, ...extra };
}

async function up(t: FakeLab, extra: Partial<UpOptions> = {}) {
  const before = t.stdout().length;
  const code = await t.up(options(t, extra));
  return { code, result: JSON.parse(t.stdout().slice(before)) };
}

const folder = (t: FakeLab) => path.join(t.cwd, 'infra-labs', LAB);
const stateFile = (t: FakeLab) => path.join(folder(t), '.infra', 'lab.json');
const steps = (result: { steps: { name: string; status: string }[] }) =>
  result.steps.map((s) => `${s.name} ${s.status}`);

/** Rewrites the folder's record of the infra that made it (undefined: a folder from infra before 0.2.0). */
function recordInFolder(t: FakeLab, infra: LabState['infra']): void {
  const state = JSON.parse(readFileSync(stateFile(t), 'utf8')) as LabState;
  writeFileSync(stateFile(t), JSON.stringify({ ...state, infra }, null, 2) + '\n');
}

/** A running lab as infra before 0.2.0 left it: no record in the folder, no `infra` user in its databases. */
async function labFromBefore020(t: FakeLab): Promise<void> {
  expect((await up(t)).code).toBe(0);
  recordInFolder(t, undefined);
  for (const server of ['web-01', 'web-02']) t.databases.get(server).users.delete('infra');
}

it('a new lab records the infra that made it, and a second up of it has nothing to upgrade', async () => {
  const t = fakeLab();
  const { code, result } = await up(t);
  expect(code).toBe(0);
  expect((await readLabState(folder(t)))?.infra).toEqual(THIS_INFRA);
  expect(result.upgrade).toBeUndefined();
  const again = await up(t);
  expect(steps(again.result)).not.toContain('upgrade ok');
});

it('upgrades a lab from infra before 0.2.0: creates infra’s user as root, unlogged, on every database, then replicates', async () => {
  const t = fakeLab();
  await labFromBefore020(t);
  const { code, result } = await up(t);
  expect(code).toBe(0);
  expect(steps(result)).toEqual([
    'render ok',
    'images ok',
    'start ok',
    'upgrade ok',
    'replication ok',
    'smoke skipped',
  ]);
  expect(result.upgrade).toEqual({
    from: null,
    to: describeInfra(THIS_INFRA),
    changes: [
      'web-01: created the database user infra (not replicated: no new GTID)',
      'web-02: created the database user infra (not replicated: no new GTID)',
    ],
  });
  for (const server of ['web-01', 'web-02']) {
    const statements = t.databases.get(server).statements;
    const created = statements.findIndex((s) => s.startsWith("CREATE USER IF NOT EXISTS 'infra'@'%'"));
    // The binary log is off for that session before the user is made: replicas never see it.
    expect(statements[created - 1]).toBe('SET SESSION sql_log_bin = 0;');
    expect(statements.slice(created + 1).some((s) => s.startsWith('GRANT RELOAD, BINLOG ADMIN'))).toBe(true);
  }
  expect(
    t.databases.logins
      .filter((l) => l.user === 'root')
      .map((l) => l.server)
      .sort(),
  ).toEqual(['web-01', 'web-02']);
  expect((await readLabState(folder(t)))?.infra).toEqual(THIS_INFRA);
  expect(result.replication.replicas[0].action).toBe('unchanged');
});

it('says which infra made the lab before it starts, and what each migration changed', async () => {
  const t = fakeLab();
  await labFromBefore020(t);
  await t.up(options(t, { json: false }));
  expect(t.stderr()).toContain(
    `upgrading lab "${LAB}" from an infra before 0.2.0 (it recorded no version) to ${describeInfra(THIS_INFRA)}: ` +
      "infra's own database user",
  );
  expect(t.stderr()).toMatch(/✓ upgrade .*web-01: created the database user infra/);
});

it('a lab that already has infra’s user is recorded as upgraded, and nothing is created', async () => {
  const t = fakeLab();
  expect((await up(t)).code).toBe(0);
  recordInFolder(t, undefined);
  const { code, result } = await up(t);
  expect(code).toBe(0);
  expect(result.upgrade.changes).toEqual([]);
  expect(t.databases.logins.some((l) => l.user === 'root')).toBe(false);
  expect((await readLabState(folder(t)))?.infra).toEqual(THIS_INFRA);
});

it('an upgrade the root password cannot do names both logins and the file, and the lab stays as it was', async () => {
  const t = fakeLab();
  await labFromBefore020(t);
  t.databases.get('web-02').users.delete('root');
  const { code, result } = await up(t);
  expect(code).toBe(1);
  expect(steps(result)).toEqual(['render ok', 'images ok', 'start ok', 'upgrade failed']);
  expect(result.error.message).toMatch(
    /^web-02: cannot create infra's database user: the database refused both infra's login and root's \(root from infra's forwarder, with INFRA_ROOT_PASSWORD from the lab folder's \.env/,
  );
  expect(result.error.detail).toContain('infra down --volumes && infra up');
  // Not recorded as upgraded: the next up tries again.
  expect((await readLabState(folder(t)))?.infra).toBeUndefined();
  expect(await t.runtime.containers(LAB)).not.toEqual([]);
});

it('status names an un-upgraded lab, says up upgrades it, and explains the refused login as a login', async () => {
  const t = fakeLab();
  await labFromBefore020(t);
  const before = t.stdout().length;
  expect(await statusCommand(t.env(), { cwd: t.cwd, name: LAB, json: false })).toBe(1);
  const text = t.stdout().slice(before);
  expect(text).toContain(
    `infra   made before 0.2.0; \`infra up --name ${LAB}\` upgrades it to ${describeInfra(THIS_INFRA)}`,
  );
  expect(text).toContain("the database refused infra's login: user 'infra' from infra's forwarder");
  expect(text).not.toContain('Is it running');
});

it.each([
  ['a later version', { version: '99.0.0', format: LAB_FORMAT }],
  ['a later lab format', { version: VERSION, commit: 'abcdef1', format: LAB_FORMAT + 1 }],
])(
  'a lab made by a newer infra (%s) is refused with exit 2, naming both versions, nothing written',
  async (_, made) => {
    const t = fakeLab();
    expect((await up(t)).code).toBe(0);
    recordInFolder(t, made);
    const compose = readFileSync(path.join(folder(t), 'compose.yaml'), 'utf8');
    const callsBefore = t.runtime.calls.length;
    const { code, result } = await up(t, { port: 8099 });
    expect(code).toBe(2);
    expect(result.error.message).toBe(
      `the lab folder ${folder(t)} was made by infra ${describeInfra(made)}, newer than this infra ` +
        `${describeInfra(THIS_INFRA)}; nothing was written`,
    );
    expect(result.error.problems[0]).toContain(`use infra ${made.version} or later`);
    expect(readFileSync(path.join(folder(t), 'compose.yaml'), 'utf8')).toBe(compose);
    expect(t.runtime.calls.slice(callsBefore).filter((c) => c === 'composeUp')).toEqual([]);
  },
);

describe('pendingUpgrade', () => {
  const state = (infra?: LabState['infra']): LabState => ({ lab: 'x', hostPort: 1, files: {}, infra });

  it('none for a new folder, or one this very build made', () => {
    expect(pendingUpgrade(undefined)).toBeUndefined();
    expect(pendingUpgrade(state(THIS_INFRA))).toBeUndefined();
  });

  it('every migration for a folder that recorded nothing; none (but a new record) for another build of this format', () => {
    expect(pendingUpgrade(state())?.migrations.map((m) => m.to)).toEqual([2]);
    const other = pendingUpgrade(state({ ...THIS_INFRA, commit: '0000000' }));
    expect(other?.migrations).toEqual([]);
    expect(upgradeLine('hcu', other!)).toBe(
      `upgrading lab "hcu" from infra ${VERSION} (0000000) to ${describeInfra(THIS_INFRA)} (nothing to migrate)`,
    );
  });
});
