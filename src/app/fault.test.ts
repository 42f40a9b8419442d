// `infra fault` and `infra heal` over the fakes: what runs in which server's namespace, what is recorded and shown,
// what is refused before anything changes, and what heals a fault besides `heal`.
import { fakeLab, type FakeLab } from '../../test/helpers/fake-lab.js';
import { EnvironmentError, UsageError } from '../errors.js';
import { listLabs } from './ls.js';
import { makeFault, healFaults, type FaultRequest } from './fault.js';
import { powerServer } from './power.js';
import { readStatus } from './status.js';
import { takeDown } from './down.js';
import { readFaults } from '../ops/fault-record.js';

const LAB = 'grey';

async function booted(): Promise<FakeLab> {
  const t = fakeLab();
  await t.up({ cwd: t.cwd, name: LAB, port: 'auto', json: true, keep: false, smoke: false, timeoutSeconds: 5 });
  return t;
}

const fault = (t: FakeLab, request: FaultRequest) => makeFault(t.env(), { cwd: t.cwd, name: LAB, request, json: true });
const heal = (t: FakeLab, ids: string[], all = false) => healFaults(t.env(), { cwd: t.cwd, name: LAB, ids, all });
const scriptsIn = (t: FakeLab, server: string) =>
  t.runtime.networkScripts.filter((s) => s.namespaceOf === `infra-${LAB}-${server}`).map((s) => s.script);

it('loss runs its nftables table in the server’s namespace (network tools built first), and status and ls list it', async () => {
  const t = await booted();
  const { fault: made } = await fault(t, { kind: 'loss', servers: ['web-02'], amount: 30 });
  expect(made).toMatchObject({ id: 'loss-web-02', what: 'web-02 drops 30% of its packets, in and out' });
  expect(t.runtime.calls.filter((c) => c.startsWith('build infra-nettools:'))).toHaveLength(1);
  expect(scriptsIn(t, 'web-02').join('')).toContain('numgen random mod 100 < 30 drop');
  expect(scriptsIn(t, 'web-01')).toEqual([]);
  const status = await readStatus(t.env(), { cwd: t.cwd, name: LAB });
  expect(status.faults.map((f) => f.id)).toEqual(['loss-web-02']);
  expect((await listLabs(t.env()))[0].faults).toEqual([
    { id: 'loss-web-02', made_at: made.made_at, what: 'web-02 drops 30% of its packets, in and out' },
  ]);

  await heal(t, ['loss-web-02']);
  expect(scriptsIn(t, 'web-02').at(-1)).toContain('nft delete table inet infra_fault_loss_web_02');
  expect((await readStatus(t.env(), { cwd: t.cwd, name: LAB })).faults).toEqual([]);
  // Built once per machine, not per fault.
  await fault(t, { kind: 'rate', servers: ['web-02'], amount: 256 });
  expect(t.runtime.calls.filter((c) => c.startsWith('build infra-nettools:'))).toHaveLength(1);
});

it('a partition blocks each side from the other’s addresses, in both namespaces', async () => {
  const t = await booted();
  await fault(t, { kind: 'partition', servers: ['web-01', 'web-02'] });
  const [onWeb01] = scriptsIn(t, 'web-01').filter((s) => s.includes('table inet'));
  const [onWeb02] = scriptsIn(t, 'web-02').filter((s) => s.includes('table inet'));
  expect(onWeb01).toMatch(/ip saddr \{ 10\.0\.0\.\d+ \} drop/);
  expect(onWeb02).toMatch(/ip saddr \{ 10\.0\.0\.\d+ \} drop/);
  expect(onWeb01.match(/saddr \{ ([\d.]+) \}/)![1]).not.toBe(onWeb02.match(/saddr \{ ([\d.]+) \}/)![1]);
  const all = await fault(t, { kind: 'partition', servers: ['lb-01'], fromAll: true });
  expect(all.fault).toMatchObject({ id: 'partition-lb-01-all', servers: ['lb-01', 'web-01', 'web-02'] });
});

it('refuses, changing nothing: an unknown server, the same fault twice, two shapings of one server, lag on the primary', async () => {
  const t = await booted();
  await expect(fault(t, { kind: 'loss', servers: ['web-09'], amount: 5 })).rejects.toThrow(
    'lab "grey" has no server web-09',
  );
  await fault(t, { kind: 'rate', servers: ['web-02'], amount: 256 });
  const again = await fault(t, { kind: 'rate', servers: ['web-02'], amount: 512 }).catch((e: unknown) => e);
  expect(again).toBeInstanceOf(UsageError);
  expect(again).toMatchObject({ message: expect.stringMatching(/^rate-web-02 is already active/) });
  await expect(fault(t, { kind: 'corrupt', servers: ['web-02'], amount: 1 })).rejects.toThrow(
    'web-02 already has rate-web-02: one rate, delay or corrupt per server',
  );
  await expect(fault(t, { kind: 'lag', servers: ['web-01'], amount: 5 })).rejects.toMatchObject({
    exitCode: 2,
    problems: ['SERVER: a replica (web-02)'],
  });
  const status = await readStatus(t.env(), { cwd: t.cwd, name: LAB });
  expect(status.faults.map((f) => f.id)).toEqual(['rate-web-02']);
});

it('delay where the kernel has no netem: exit 3 naming the kernel option, tried in a namespace of its own', async () => {
  const t = await booted();
  t.runtime.faults.noNetem = true;
  const refused = await fault(t, { kind: 'delay', servers: ['web-02'], amount: 200 }).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(EnvironmentError);
  expect((refused as Error).message).toMatch(/kernel has no netem \(CONFIG_NET_SCH_NETEM is not set/);
  expect(t.runtime.networkScripts.filter((s) => s.namespaceOf)).toEqual([]);
  expect((await readStatus(t.env(), { cwd: t.cwd, name: LAB })).faults).toEqual([]);
});

it('lag delays the replica in its own words, heal puts the delay back to 0', async () => {
  const t = await booted();
  await fault(t, { kind: 'lag', servers: ['web-02'], amount: 5 });
  expect(t.databases.get('web-02').statements).toEqual(
    expect.arrayContaining(['STOP REPLICA', 'CHANGE MASTER TO MASTER_DELAY=5', 'START REPLICA']),
  );
  await heal(t, [], true);
  expect(t.databases.get('web-02').statements.at(-2)).toBe('CHANGE MASTER TO MASTER_DELAY=0');
});

it('heal names what it needs; recover heals the faults of its server, down forgets them all', async () => {
  const t = await booted();
  await expect(heal(t, [])).rejects.toMatchObject({ problems: ['nothing to heal: lab "grey" has no active fault'] });
  await fault(t, { kind: 'loss', servers: ['web-01'], amount: 10 });
  await fault(t, { kind: 'loss', servers: ['web-02'], amount: 10 });
  await expect(heal(t, ['loss-web-03'])).rejects.toMatchObject({
    problems: ['FAULT: one of loss-web-01, loss-web-02'],
  });
  const recovered = await powerServer(t.env(), 'recover', { cwd: t.cwd, name: LAB, server: 'web-01' });
  expect(recovered.healed).toEqual(['loss-web-01']);
  expect((await readStatus(t.env(), { cwd: t.cwd, name: LAB })).faults.map((f) => f.id)).toEqual(['loss-web-02']);
  const dir = (await readStatus(t.env(), { cwd: t.cwd, name: LAB })).dir!;
  await takeDown(t.env(), { cwd: t.cwd, name: LAB, volumes: false });
  expect(await readFaults(dir)).toEqual([]);
});

it('hang pauses the component named (or every component of the server), refuses one it lacks; recover thaws it', async () => {
  const t = await booted();
  await fault(t, { kind: 'hang', servers: ['web-01'], component: 'app' });
  expect(t.runtime.calls.filter((c) => c.startsWith('pause '))).toEqual([`pause infra-${LAB}-web-01-app`]);
  await expect(fault(t, { kind: 'hang', servers: ['web-01'] })).rejects.toThrow(
    "hang-web-01-app already freezes web-01's processes",
  );
  await expect(fault(t, { kind: 'hang', servers: ['lb-01'], component: 'db' })).rejects.toMatchObject({
    problems: ['SERVER/COMPONENT: one of lb-01/haproxy, or lb-01 alone (all of them)'],
  });
  await fault(t, { kind: 'hang', servers: ['web-02'] });
  expect(t.runtime.calls.filter((c) => c.startsWith('pause infra-grey-web-02'))).toHaveLength(3);
  const status = await readStatus(t.env(), { cwd: t.cwd, name: LAB });
  expect(status.healthy).toBe(false);
  const recovered = await powerServer(t.env(), 'recover', { cwd: t.cwd, name: LAB, server: 'web-01' });
  expect(recovered.healed).toEqual(['hang-web-01-app']);
  expect(t.runtime.calls).toContain(`unpause infra-${LAB}-web-01-app`);
  await heal(t, ['hang-web-02']);
  expect((await readStatus(t.env(), { cwd: t.cwd, name: LAB })).healthy).toBe(true);
});
