// `infra images build` over the fake runtime: each image reported as it builds, build output with --verbose,
// --no-cache rebuilding what is present, and a failure naming the image.
import { fakeLab } from '../../test/helpers/fake-lab.js';
import { runtimeEnv } from './context.js';
import { imagesBuildCommand } from './images.js';
import { presentImagesBuilt } from '../cli/presenters/images.js';

it('reports each image as it starts and when it is built, with its time', async () => {
  const t = fakeLab();
  const result = await imagesBuildCommand(t.env(), { cwd: t.cwd });
  expect(result.built).toHaveLength(5);
  expect(result.present).toEqual(result.built);
  for (const kind of ['haproxy', 'nginx', 'app', 'db', 'forward']) {
    expect(t.stderr()).toMatch(new RegExp(`… building infra-${kind}:\\w+\\n`));
    expect(t.stderr()).toMatch(new RegExp(`built infra-${kind}:\\w+ in \\d+ms\\n`));
  }
  expect(t.stderr()).not.toContain('[nginx] Step');
});

it('--verbose shows every build line, prefixed with its image kind', async () => {
  const t = fakeLab();
  const env = runtimeEnv(t.io, async () => t.runtime, { verbose: true });
  await imagesBuildCommand(env, { cwd: t.cwd });
  expect(t.stderr()).toContain('  [nginx] Step 1/2 : FROM debian:trixie-slim');
});

it('--no-cache rebuilds images that are present', async () => {
  const t = fakeLab();
  await imagesBuildCommand(t.env(), { cwd: t.cwd });
  const from = t.runtime.calls.length;
  await imagesBuildCommand(t.env(), { cwd: t.cwd });
  expect(t.runtime.calls.slice(from).filter((c) => c.startsWith('build'))).toEqual([]);
  await imagesBuildCommand(t.env(), { cwd: t.cwd, noCache: true });
  expect(t.runtime.calls.slice(from).filter((c) => c.startsWith('build'))).toHaveLength(5);
  expect(t.runtime.calls.slice(from).every((c) => !c.startsWith('build') || c.endsWith('--no-cache'))).toBe(true);
});

it('a failed build names its image, and --json prints only JSON on stdout', async () => {
  const t = fakeLab();
  t.runtime.faults.buildKind = 'db';
  await expect(imagesBuildCommand(t.env(), { cwd: t.cwd, json: true })).rejects.toThrow('building the db image failed');
  expect(t.stdout()).toBe('');
  const ok = fakeLab();
  presentImagesBuilt(ok.io, await imagesBuildCommand(ok.env(), { cwd: ok.cwd, json: true }), { json: true });
  expect(JSON.parse(ok.stdout())).toMatchObject({ ok: true, lab: 'lab', built: expect.any(Array) });
  expect(ok.stderr()).toBe('');
});
