// fail/recover over the fake runtime: the order a server goes down and comes back in, and the wait for HAProxy.
import { fakeLab } from '../../test/helpers/fake-lab.js';
import { failServer, recoverServer } from './server-power.js';

async function runningLab() {
  const t = fakeLab();
  await t.up({
    cwd: t.cwd,
    name: 'power',
    port: 'auto',
    json: true,
    keep: false,
    smoke: false,
    timeoutSeconds: 5,
  });
  return t;
}

it('fail stops every component of the server, then its host', async () => {
  const t = await runningLab();
  const from = t.runtime.calls.length;
  await failServer(t.runtime, 'power', 'web-01');
  const stops = t.runtime.calls.slice(from);
  expect(stops.at(-1)).toBe('stop infra-power-web-01');
  expect(stops.slice(0, -1).sort()).toEqual(
    ['stop infra-power-web-01-app', 'stop infra-power-web-01-db', 'stop infra-power-web-01-nginx'].sort(),
  );
  const web02 = (await t.runtime.containers('power')).filter((c) => c.server === 'web-02');
  expect(web02.every((c) => c.state === 'running')).toBe(true);
});

it('recover starts the host first, then db, app and nginx, and returns once HAProxy has it UP', async () => {
  const t = await runningLab();
  await failServer(t.runtime, 'power', 'web-01');
  const from = t.runtime.calls.length;
  await recoverServer(t.runtime, 'power', 'web-01', { timeoutMs: 2000 });
  expect(t.runtime.calls.slice(from)).toEqual([
    'start infra-power-web-01',
    'start infra-power-web-01-db',
    'start infra-power-web-01-app',
    'start infra-power-web-01-nginx',
  ]);
});

it('recover waits for HAProxy and says what it last saw when the server never comes UP', async () => {
  const t = await runningLab();
  await failServer(t.runtime, 'power', 'web-02');
  t.runtime.faults.backend = { 'web-02': 'MAINT' };
  await expect(recoverServer(t.runtime, 'power', 'web-02', { timeoutMs: 300 })).rejects.toThrow(
    /waiting for HAProxy to mark web-02 UP \(last seen: MAINT\)/,
  );
});

it('names the servers a lab has when asked for one it does not', async () => {
  const t = await runningLab();
  await expect(failServer(t.runtime, 'power', 'web-09')).rejects.toMatchObject({
    problems: ['<server>: one of lb-01, web-01, web-02'],
  });
});
