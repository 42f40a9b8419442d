import { readFileSync, statSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { writeLab, readLabState } from './write-lab.js';
import { file } from '../templating/rendered-file.js';
import { UsageError } from '../errors.js';
import { renderLabFolder } from '../app/render.js';
import { tempDir } from '../../test/helpers/temp-dir.js';

const state = { lab: 'lab', hostPort: 8080 };
const tmp = () => tempDir('infra-write-');

it('writes a new folder whole, with a manifest, and leaves no staging folder behind', async () => {
  const parent = tmp();
  const dir = path.join(parent, 'lab');
  const result = await writeLab(
    dir,
    state,
    [file('a/b.cfg', 'one\n'), file('run.sh', '#!/bin/sh\n', 0o755)],
    [],
    'refuse',
  );
  expect(result.written).toEqual(['a/b.cfg', 'run.sh']);
  expect(readFileSync(path.join(dir, 'a/b.cfg'), 'utf8')).toBe('one\n');
  expect(statSync(path.join(dir, 'run.sh')).mode & 0o777).toBe(0o755);
  expect((await readLabState(dir))?.hostPort).toBe(8080);
  expect(readdirSync(parent)).toEqual(['lab']);
});

it('refuses to overwrite a hand edit, names the file, and writes nothing', async () => {
  const dir = path.join(tmp(), 'lab');
  await writeLab(dir, state, [file('x.cfg', 'v1\n'), file('y.cfg', 'y1\n')], [], 'refuse');
  writeFileSync(path.join(dir, 'x.cfg'), 'edited by a student\n');
  const attempt = writeLab(dir, state, [file('x.cfg', 'v2\n'), file('y.cfg', 'y2\n')], [], 'refuse');
  await expect(attempt).rejects.toBeInstanceOf(UsageError);
  await expect(attempt).rejects.toMatchObject({ problems: [expect.stringMatching(/^x\.cfg: edited by hand/)] });
  expect(readFileSync(path.join(dir, 'x.cfg'), 'utf8')).toBe('edited by a student\n');
  expect(readFileSync(path.join(dir, 'y.cfg'), 'utf8')).toBe('y1\n');
});

it('overwrites the edit with force, and re-renders unchanged files without touching them', async () => {
  const dir = path.join(tmp(), 'lab');
  await writeLab(dir, state, [file('x.cfg', 'v1\n'), file('y.cfg', 'y\n')], [], 'refuse');
  writeFileSync(path.join(dir, 'x.cfg'), 'edited\n');
  const result = await writeLab(dir, state, [file('x.cfg', 'v2\n'), file('y.cfg', 'y\n')], [], 'overwrite');
  expect(result).toMatchObject({ written: ['x.cfg'], unchanged: ['y.cfg'] });
  expect(readFileSync(path.join(dir, 'x.cfg'), 'utf8')).toBe('v2\n');
});

it('never overwrites a file it did not write', async () => {
  const dir = tmp();
  writeFileSync(path.join(dir, 'compose.yaml'), 'mine\n');
  await expect(writeLab(dir, state, [file('compose.yaml', 'infra\n')], [], 'refuse')).rejects.toBeInstanceOf(
    UsageError,
  );
  expect(readFileSync(path.join(dir, 'compose.yaml'), 'utf8')).toBe('mine\n');
});

it('removes files it rendered before and no longer renders, unless edited', async () => {
  const dir = path.join(tmp(), 'lab');
  await writeLab(dir, state, [file('images/db/Dockerfile', 'FROM x\n'), file('keep', 'k\n')], [], 'refuse');
  const result = await writeLab(dir, state, [file('keep', 'k\n')], [], 'refuse');
  expect(result.removed).toEqual(['images/db/Dockerfile']);
  expect(existsSync(path.join(dir, 'images/db/Dockerfile'))).toBe(false);
});

describe('secrets', () => {
  it('are generated once, private (0600), and reused on re-render', async () => {
    const cwd = tmp();
    const first = await renderLabFolder({ cwd, port: 'auto' });
    const envFile = path.join(first.dir, '.env');
    const secrets = readFileSync(envFile, 'utf8');
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    expect(secrets).toMatch(/^INFRA_ROOT_PASSWORD=[A-Za-z0-9_-]{24}$/m);
    const second = await renderLabFolder({ cwd, port: 'auto' });
    expect(readFileSync(envFile, 'utf8')).toBe(secrets);
    // `auto` chose a port once and kept it, also when a later command names no port at all.
    expect(second.hostPort).toBe(first.hostPort);
    expect((await renderLabFolder({ cwd })).hostPort).toBe(first.hostPort);
    // Naming a port moves it.
    expect((await renderLabFolder({ cwd, port: 18123 })).hostPort).toBe(18123);
    expect(readFileSync(path.join(first.dir, 'compose.yaml'), 'utf8')).not.toContain(
      secrets.split('\n')[1].split('=')[1],
    );
  });
});

it('keeps hand edits and writes the rest when asked (what `up` does)', async () => {
  const dir = path.join(tmp(), 'lab');
  await writeLab(dir, state, [file('x.cfg', 'v1\n'), file('y.cfg', 'y1\n')], [], 'refuse');
  writeFileSync(path.join(dir, 'x.cfg'), 'edited\n');
  const result = await writeLab(dir, state, [file('x.cfg', 'v2\n'), file('y.cfg', 'y2\n')], [], 'keep');
  expect(result).toMatchObject({ kept: ['x.cfg'], written: ['y.cfg'] });
  expect(readFileSync(path.join(dir, 'x.cfg'), 'utf8')).toBe('edited\n');
  // Still an edit next time.
  await expect(
    writeLab(dir, state, [file('x.cfg', 'v2\n'), file('y.cfg', 'y2\n')], [], 'refuse'),
  ).rejects.toBeInstanceOf(UsageError);
});
