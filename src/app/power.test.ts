// `infra fail` / `infra recover` over the fake runtime: what recover says it brought back. A web server returns to
// HAProxy's rotation; a load balancer is in none, and with the redundant profile the floating address follows.
import { fakeLab, type FakeLab } from '../../test/helpers/fake-lab.js';
import { presentPower } from '../cli/presenters/power.js';
import { powerServer } from './power.js';

async function labUp(t: FakeLab, profiles: ('redundant' | 'secured')[] = []): Promise<void> {
  const options = { cwd: t.cwd, name: 'unit', port: 'auto' as const, json: true, keep: false, smoke: false };
  expect(await t.up({ ...options, timeoutSeconds: 5, profiles })).toBe(0);
}

async function recover(t: FakeLab, server: string): Promise<string> {
  const target = { cwd: t.cwd, name: 'unit', server };
  expect(presentPower(t.env().io, await powerServer(t.env(), 'fail', target))).toBe(0);
  const before = t.stderr().length;
  expect(presentPower(t.env().io, await powerServer(t.env(), 'recover', target))).toBe(0);
  return t.stderr().slice(before);
}

it("a recovered web server is back in HAProxy's rotation", async () => {
  const t = fakeLab();
  await labUp(t);
  expect(await recover(t, 'web-02')).toMatch(/^web-02 is back: healthy and in HAProxy's rotation after /);
});

it('a recovered load balancer is in no rotation; in a pair, keepalived gives the floating address back', async () => {
  const single = fakeLab();
  await labUp(single);
  const alone = await recover(single, 'lb-01');
  expect(alone).toMatch(/^lb-01 is back: healthy after [^\n]+\n$/);
  expect(alone).not.toContain('rotation');
  const pair = fakeLab();
  await labUp(pair, ['redundant']);
  expect(await recover(pair, 'lb-01')).toMatch(
    /^lb-01 is back: healthy after .*; keepalived gives the floating address back by priority within seconds \(`infra status --name unit` shows which LB holds it\)/,
  );
});

it('fail on a lab that is not running is exit 1 saying so, with the command for the lab that does run', async () => {
  const t = fakeLab();
  expect(
    await t.up({
      cwd: t.cwd,
      name: 'nc-main',
      port: 'auto',
      json: true,
      keep: false,
      smoke: false,
      timeoutSeconds: 5,
    }),
  ).toBe(0);
  const error = await powerServer(t.env(), 'fail', { cwd: t.cwd, name: 'lab', server: 'web-01' }).catch(
    (e: unknown) => e,
  );
  expect(error).toMatchObject({
    exitCode: 1,
    message: 'lab "lab" is not running',
    detail: 'running here: nc-main (`--name nc-main`); or start it with `infra up`',
  });
});
