// images save / load / up --offline over the fake runtime: what goes into a bundle, and what --offline refuses.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fakeLab } from '../../test/helpers/fake-lab.js';
import { FakeRuntime } from '../runtime/fake-runtime.js';
import { imagesLoadCommand, imagesSaveCommand } from './image-bundle.js';
import { UsageError } from '../errors.js';

const upOffline = (t: ReturnType<typeof fakeLab>) =>
  t.up({
    cwd: t.cwd,
    name: 'room',
    port: 'auto',
    json: true,
    keep: false,
    smoke: false,
    timeoutSeconds: 5,
    offline: true,
  });

it('saves the base and every image the lab needs (built first if missing) into one file, and nothing half-written', async () => {
  const t = fakeLab();
  const result = await imagesSaveCommand(t.env(), { cwd: t.cwd, name: 'room', file: 'room.tar', json: true });
  expect(result).toMatchObject({ lab: 'room', file: path.join(t.cwd, 'room.tar'), bytes: expect.any(Number) });
  expect(result.images).toEqual(expect.arrayContaining(['debian:trixie-slim']));
  expect(
    result.images
      .filter((r: string) => r.startsWith('infra-'))
      .map((r: string) => r.split(':')[0])
      .sort(),
  ).toEqual(['infra-app', 'infra-db', 'infra-forward', 'infra-haproxy', 'infra-nginx']);
  expect(t.runtime.calls.filter((c) => c.startsWith('build '))).toHaveLength(5);
  expect(existsSync(path.join(t.cwd, 'room.tar'))).toBe(true);
  expect(existsSync(path.join(t.cwd, 'room.tar.partial'))).toBe(false);
});

it('up --offline refuses to build, naming what is missing; after images load it boots without building', async () => {
  const source = fakeLab();
  await imagesSaveCommand(source.env(), { cwd: source.cwd, name: 'room', file: 'room.tar', json: true });

  const room = fakeLab(new FakeRuntime());
  room.runtime.images.clear();
  await expect(upOffline(room)).resolves.toBe(3);
  expect(JSON.parse(room.stdout()).error.message).toMatch(
    /^missing image\(s\) debian:trixie-slim, infra-app:\w+.*: `infra images load <bundle>`/,
  );
  expect(room.runtime.calls.filter((c) => c.startsWith('build ') || c === 'composeUp')).toEqual([]);

  const loaded = fakeLab(room.runtime);
  const bundle = await imagesLoadCommand(loaded.env(), { cwd: source.cwd, file: 'room.tar', json: true });
  expect(bundle.images).toContain('debian:trixie-slim');
  const after = fakeLab(room.runtime);
  expect(await upOffline(after)).toBe(0);
  expect(room.runtime.calls.filter((c) => c.startsWith('build '))).toEqual([]);
});

it('images load of a path that does not exist is the user’s mistake: exit 2 naming the file, the engine not asked', async () => {
  const t = fakeLab();
  const error = await imagesLoadCommand(t.env(), { cwd: t.cwd, file: 'romo.tar', json: true }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UsageError);
  expect(error).toMatchObject({ exitCode: 2, message: `${t.cwd}/romo.tar does not exist; nothing was loaded` });
  expect(t.runtime.calls).toEqual([]);
});
