import { fakeLab } from '../../test/helpers/fake-lab.js';
import type { AppEnv } from './context.js';
import type { LabTarget } from './lab-target.js';
import { readStatus, summarise } from './status.js';
import { presentStatus } from '../cli/presenters/status.js';
import type { ComponentState, LiveComponent } from '../runtime/port.js';

/** `infra status` as the command runs it: the status read, then said. */
const statusCommand = async (env: AppEnv, options: LabTarget & { json: boolean; verify?: boolean }) =>
  presentStatus(env.io, await readStatus(env, options), { json: options.json });

function state(server: string, component: LiveComponent, overrides: Partial<ComponentState> = {}): ComponentState {
  return {
    name: `infra-lab-${server}${component === 'host' ? '' : `-${component}`}`,
    lab: 'lab',
    id: `${server}-${component}`,
    server,
    component,
    state: 'running',
    health: component === 'host' ? 'none' : 'healthy',
    startedAt: '2026-11-27T05:00:00Z',
    createdAt: '2026-11-27T05:00:00Z',
    workingDir: '/labs/lab',
    staleNetwork: false,
    image: 'x',
    ...overrides,
  };
}

const lab = [
  state('lb-01', 'host', { publishedPort: { ip: '127.0.0.1', port: 8080 } }),
  state('lb-01', 'haproxy'),
  state('web-01', 'host'),
  state('web-01', 'nginx'),
  state('web-01', 'app'),
  state('web-01', 'db'),
];

it('groups components under their servers, with the URL and folder', () => {
  const status = summarise('lab', lab);
  expect(status).toMatchObject({ lab: 'lab', healthy: true, url: 'http://127.0.0.1:8080', dir: '/labs/lab' });
  expect(status.servers.map((s) => [s.name, s.components.map((c) => c.name)])).toEqual([
    ['lb-01', ['lb-01-haproxy']],
    ['web-01', ['web-01-nginx', 'web-01-app', 'web-01-db']],
  ]);
});

it('is not healthy when a component is unhealthy, stopped, or cut off from its server', () => {
  expect(summarise('lab', [...lab.slice(0, 4), state('web-01', 'app', { health: 'unhealthy' })]).healthy).toBe(false);
  expect(summarise('lab', [...lab.slice(0, 4), state('web-01', 'app', { state: 'exited' })]).healthy).toBe(false);
  const stale = summarise('lab', [...lab.slice(0, 4), state('web-01', 'app', { staleNetwork: true })]);
  expect(stale.healthy).toBe(false);
  expect(stale.servers[1].components.find((c) => c.kind === 'app')?.network).toBe('stale');
});

it('a lab with no containers is neither running nor healthy', () => {
  expect(summarise('lab', [])).toMatchObject({ running: false, healthy: false, url: null, servers: [] });
});

it('status --verify says what it compared when the replica holds the same data, not only when it differs', async () => {
  const t = fakeLab();
  await t.up({
    cwd: t.cwd,
    name: 'unit',
    port: 'auto',
    json: true,
    keep: false,
    smoke: false,
    timeoutSeconds: 5,
  });
  const before = t.stdout().length;
  expect(await statusCommand(t.env(), { cwd: t.cwd, name: 'unit', json: false, verify: true })).toBe(0);
  // The scripted databases hold two tables: 2 rows and 5 rows.
  expect(t.stdout().slice(before)).toContain(
    'same data as the primary: 2 table(s) of footer, 7 row(s), compared by checksum',
  );
  const plain = t.stdout().length;
  await statusCommand(t.env(), { cwd: t.cwd, name: 'unit', json: false });
  expect(t.stdout().slice(plain)).not.toContain('same data');
});

it("status keeps its columns in line when a component's name is long (an exporter's)", async () => {
  const t = fakeLab();
  const up = { cwd: t.cwd, name: 'unit', port: 'auto' as const, json: true, keep: false, smoke: false };
  await t.up({ ...up, timeoutSeconds: 5, profiles: ['monitored'] });
  const before = t.stdout().length;
  await statusCommand(t.env(), { cwd: t.cwd, name: 'unit', json: false });
  const rows = t
    .stdout()
    .slice(before)
    .split('\n')
    .filter((l) => /^ {2}[✓✗] \S+ +(running|exited|created) /.test(l));
  expect(rows.some((r) => r.includes('lb-01-node-exporter'))).toBe(true);
  // The state column starts at the same place on every row.
  expect(new Set(rows.map((r) => r.search(/ (running|exited|created) /))).size).toBe(1);
});

it('a replica that stays behind the primary is a finding, though its lag in seconds says 0 (it lacks what it never received)', async () => {
  const t = fakeLab();
  await t.up({ cwd: t.cwd, name: 'unit', port: 'auto', json: true, keep: false, smoke: false, timeoutSeconds: 5 });
  // Seen on a lab with 30% loss on web-02: its IO thread kept reconnecting, 0 s of lag, one transaction short.
  t.databases.get('web-02').position = '0-1-17';
  const before = t.stdout().length;
  expect(await statusCommand(t.env(), { cwd: t.cwd, name: 'unit', json: false })).toBe(1);
  const text = t.stdout().slice(before);
  expect(text).toContain('✗ replica web-02  IO Yes, SQL Yes, lag 0 s');
  expect(text).toContain('behind: 3 transaction(s) of the primary not applied');
  expect(text).toContain(
    'web-02 has not applied 3 transactions web-01 made, 2 s after status asked (its lag says 0 s: that counts only what it has received)',
  );
  t.databases.get('web-02').position = '0-1-20';
  expect(await statusCommand(t.env(), { cwd: t.cwd, name: 'unit', json: false })).toBe(0);
});

it('a replica whose IO thread is between two reconnects is said to be reconnecting, not stopped by hand', async () => {
  const t = fakeLab();
  await t.up({ cwd: t.cwd, name: 'unit', port: 'auto', json: true, keep: false, smoke: false, timeoutSeconds: 5 });
  // Seen on a lab with 40% loss on web-02: SHOW SLAVE STATUS said Preparing, no error, in a third of its readings.
  t.databases.get('web-02').ioReconnecting = 'Checking master version';
  const before = t.stdout().length;
  expect(await statusCommand(t.env(), { cwd: t.cwd, name: 'unit', json: false })).toBe(1);
  const text = t.stdout().slice(before);
  expect(text).toContain('✗ replica web-02  IO Preparing, SQL Yes');
  expect(text).toContain(
    'its IO thread is reconnecting to web-01 (Preparing: Checking master version), with no error yet',
  );
  expect(text).not.toContain('stopped by hand');
});
