// `up` over the fake runtime and scripted databases: the order of its steps, what it asks of Docker and the
// databases, and what it leaves behind when a step fails or the run is interrupted.
import { fakeLab, type FakeLab } from '../../test/helpers/fake-lab.js';
import { FakeRuntime } from '../runtime/fake-runtime.js';
import type { UpOptions } from './up.js';

const LAB = 'unit';

function options(t: FakeLab, extra: Partial<UpOptions> = {}): UpOptions {
  return { cwd: t.cwd, name: LAB, port: 'auto', json: true, keep: false, smoke: false, timeoutSeconds: 5, ...extra };
}

async function up(t: FakeLab, extra: Partial<UpOptions> = {}, signal?: AbortSignal) {
  const before = t.stdout().length;
  const code = await t.up(options(t, extra), signal);
  return { code, result: JSON.parse(t.stdout().slice(before)) };
}

const steps = (result: { steps: { name: string; status: string }[] }) =>
  result.steps.map((s) => `${s.name} ${s.status}`);

it('renders, builds, starts, replicates and (asked to skip it) skips smoke, in that order', async () => {
  const t = fakeLab();
  const { code, result } = await up(t);
  expect(code).toBe(0);
  expect(steps(result)).toEqual(['render ok', 'images ok', 'start ok', 'replication ok', 'smoke skipped']);
  expect(result).toMatchObject({
    ok: true,
    lab: LAB,
    replication: { replicas: [{ server: 'web-02', action: 'configured' }] },
  });
  // Images before containers, the forwarder only for the replication step, and closed after it.
  const calls = t.runtime.calls;
  expect(calls.filter((c) => c.startsWith('build '))).toHaveLength(5);
  expect(calls.indexOf('composeUp')).toBeGreaterThan(
    calls.length - 1 - [...calls].reverse().findIndex((c) => c.startsWith('build ')),
  );
  expect(calls.slice(calls.indexOf('composeUp') + 1)).toEqual(['openForward', 'closeForward']);
  expect(t.runtime.openForwards).toBe(0);
  // Users and schema on the primary only; the replica is pointed at it and made read-only.
  expect(t.databases.get('web-01').statements.filter((s) => s.startsWith('CREATE USER'))).toHaveLength(2);
  expect(t.databases.get('web-02').statements.some((s) => s.startsWith('CREATE USER'))).toBe(false);
  expect(t.databases.get('web-02')).toMatchObject({ source: 'web-01', io: true, sql: true, readOnly: true });
});

it('a second up builds nothing and leaves a replicating replica unchanged', async () => {
  const t = fakeLab();
  await up(t);
  const replica = t.databases.get('web-02');
  const statementsBefore = replica.statements.length;
  const callsBefore = t.runtime.calls.length;
  const { code, result } = await up(t);
  expect(code).toBe(0);
  expect(result.replication.replicas[0].action).toBe('unchanged');
  expect(t.runtime.calls.slice(callsBefore).some((c) => c.startsWith('build '))).toBe(false);
  const again = replica.statements.slice(statementsBefore);
  expect(again.some((s) => s.startsWith('CHANGE MASTER') || s === 'START REPLICA')).toBe(false);
});

it('a second up reconnects a replica whose primary restarted under it, keeping its place: no wait for its heartbeat', async () => {
  const t = fakeLab();
  await up(t);
  const replica = Object.assign(t.databases.get('web-02'), { staleConnection: true });
  const statementsBefore = replica.statements.length;
  const { code, result } = await up(t);
  expect(code).toBe(0);
  expect(result.replication.replicas[0].action).toBe('resumed');
  expect(replica.statements.slice(statementsBefore).filter((s) => /^(STOP|START|CHANGE)/.test(s))).toEqual([
    'STOP REPLICA IO_THREAD',
    'START REPLICA IO_THREAD',
  ]);
  expect(replica).toMatchObject({ source: 'web-01', io: true, sql: true, staleConnection: false });
});

it('a primary whose infra user may not list its replicas leaves a running replica as it is', async () => {
  const t = fakeLab();
  await up(t);
  t.databases.get('web-01').refuses = /^SHOW REPLICA HOSTS$/;
  const replica = Object.assign(t.databases.get('web-02'), { staleConnection: true });
  const statementsBefore = replica.statements.length;
  const { code, result } = await up(t);
  expect(code).toBe(0);
  expect(result.replication.replicas[0].action).toBe('unchanged');
  expect(replica.statements.slice(statementsBefore).some((s) => /IO_THREAD/.test(s))).toBe(false);
});

it('a failed start names the server and component, and removes the containers and volumes this run made', async () => {
  const t = fakeLab();
  t.runtime.faults.exitOnStart = `infra-${LAB}-web-01-db`;
  const { code, result } = await up(t);
  expect(code).toBe(1);
  expect(steps(result)).toEqual(['render ok', 'images ok', 'start failed']);
  expect(result.error.message).toBe(`web-01: db (infra-${LAB}-web-01-db) is exited; others not ready: none`);
  expect(result.error.detail).toContain(`last words of infra-${LAB}-web-01-db`);
  expect(await t.runtime.containers(LAB)).toEqual([]);
  expect(await t.runtime.volumes(LAB)).toEqual([]);
});

it('a component whose health check never passes fails the start at the timeout, naming it and what else waits', async () => {
  const t = fakeLab();
  t.runtime.faults.neverHealthy = `infra-${LAB}-web-02-nginx`;
  const { code, result } = await up(t, { timeoutSeconds: 1 });
  expect(code).toBe(1);
  expect(steps(result)).toEqual(['render ok', 'images ok', 'start failed']);
  expect(result.error.message).toBe(
    `web-02: nginx (infra-${LAB}-web-02-nginx) did not become healthy in time; others not ready: none`,
  );
  expect(await t.runtime.containers(LAB)).toEqual([]);
});

it('a lab that ran before keeps its containers and data when a later up fails', async () => {
  const t = fakeLab();
  await up(t);
  t.runtime.faults.exitOnStart = `infra-${LAB}-web-02-app`;
  const { code } = await up(t);
  expect(code).toBe(1);
  expect((await t.runtime.containers(LAB)).length).toBe(10);
  expect(await t.runtime.volumes(LAB)).toEqual([`infra-${LAB}_web-01-db-data`, `infra-${LAB}_web-02-db-data`]);
});

it('a failed image build stops before anything starts', async () => {
  const t = fakeLab();
  t.runtime.faults.buildKind = 'nginx';
  const { code, result } = await up(t);
  expect(code).toBe(1);
  expect(steps(result)).toEqual(['render ok', 'images failed']);
  expect(result.error.message).toBe('building the nginx image failed');
  expect(t.runtime.calls).not.toContain('composeUp');
});

it('an abort during start lets the step finish, then removes what the run created', async () => {
  const controller = new AbortController();
  class AbortedDuringStart extends FakeRuntime {
    override async composeUp(dir: string) {
      const result = await super.composeUp(dir);
      controller.abort('SIGTERM');
      return result;
    }
  }
  const t = fakeLab(new AbortedDuringStart());
  const { code, result } = await up(t, {}, controller.signal);
  expect(code).toBe(1);
  expect(steps(result)).toEqual(['render ok', 'images ok', 'start ok']);
  expect(result.error.message).toBe('interrupted by SIGTERM');
  expect(await t.runtime.containers(LAB)).toEqual([]);
  expect(t.runtime.calls.filter((c) => c.startsWith('remove ')).at(-1)).toMatch(/^remove infra-unit-(lb|web)-0\d$/);
});

it('with no engine it fails as an environment problem before rendering anything', async () => {
  const t = fakeLab();
  t.runtime.engineDown = true;
  await expect(t.up(options(t))).rejects.toMatchObject({ exitCode: 3 });
  expect(t.runtime.calls).toEqual([]);
});

it("refuses a lab whose container names another lab's containers already have, naming both", async () => {
  const t = fakeLab();
  const cwd = t.cwd;
  const { writeFileSync } = await import('node:fs');
  writeFileSync(
    `${cwd}/a.yaml`,
    'name: a\nservers:\n  - {name: lb-01, role: lb}\n  - {name: b-web-01, role: web}\n  - {name: web-02, role: web}\n',
  );
  expect((await up(t, { name: undefined, config: 'a.yaml' })).code).toBe(0);
  const { code, result } = await up(t, { name: 'a-b' });
  expect(code).toBe(2);
  expect(result.error.message).toBe(
    'the container name infra-a-b-web-01 is already the lab "a"\'s (its server b-web-01)',
  );
  expect((await t.runtime.containers('a')).length).toBe(10);
  expect(await t.runtime.containers('a-b')).toEqual([]);
});

it('a second up of the same lab while one runs fails at once, naming the holder, and leaves the first alone', async () => {
  let releaseStart: () => void = () => undefined;
  let started: () => void = () => undefined;
  const startedP = new Promise<void>((r) => (started = r));
  class SlowStart extends FakeRuntime {
    private held = false;
    override async composeUp(dir: string) {
      // Only the first run's start is held: it holds the lock while the second tries.
      if (!this.held) {
        this.held = true;
        started();
        await new Promise<void>((r) => (releaseStart = r));
      }
      return super.composeUp(dir);
    }
  }
  const t = fakeLab(new SlowStart());
  const first = t.up(options(t));
  await startedP;
  const second = await up(t);
  expect(second.code).toBe(1);
  expect(second.result.error.message).toMatch(
    new RegExp(
      `^lab "${LAB}" is being changed by another infra run \\(\`infra up\`, pid ${process.pid} on .*; nothing was done$`,
    ),
  );
  expect(second.result.steps.map((s: { name: string; status: string }) => `${s.name} ${s.status}`)).toEqual([
    'render failed',
  ]);
  releaseStart();
  expect(await first).toBe(0);
  expect((await t.runtime.containers(LAB)).length).toBe(10);
  // The lock went with the first run: a third up proceeds.
  expect((await up(t)).code).toBe(0);
});

it('every hint up prints names the lab when it is not the default one', async () => {
  const t = fakeLab();
  expect(await t.up({ ...options(t), json: false })).toBe(0);
  const next = t
    .stderr()
    .split('\n')
    .find((l) => l.includes('next '))!;
  expect(next).toBe(
    `  next     infra status --name ${LAB} · infra fail web-01 --name ${LAB} · infra down --name ${LAB}`,
  );
  expect(t.stderr()).toContain(`infra explain --name ${LAB}`);
});
